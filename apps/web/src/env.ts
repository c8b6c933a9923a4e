/**
 * The web app's only setting, the Clerk publishable key. It is public by design (publishable keys are
 * meant for browsers). Checked by hand rather than with zod to keep a validation library out of the
 * first page load.
 *
 * Two sources, the first that holds a key wins:
 * - at serve time: in production the server puts its own CLERK_PUBLISHABLE_KEY into index.html as
 *   `<meta name="clerk-publishable-key">`, so one build runs in any environment; under `pnpm dev` with no
 *   Clerk key at all, the clerk-local plugin puts local sign-in's key there (packages/clerk-local);
 * - at build time: VITE_CLERK_PUBLISHABLE_KEY, which Vite compiles into the bundle (how `pnpm dev`
 *   gets it from .env). Only VITE_-prefixed variables are compiled in.
 */
export type WebEnv = { clerkPublishableKey: string | undefined };

/** The meta tag's name; the server (apps/server/src/http/web-app.ts) writes the same one. */
export const PUBLISHABLE_KEY_META = "clerk-publishable-key";

export function readWebEnv(
  env: Record<string, unknown> = import.meta.env,
  page: Pick<Document, "querySelector"> | undefined = globalThis.document,
): WebEnv {
  const served = page?.querySelector<HTMLMetaElement>(`meta[name="${PUBLISHABLE_KEY_META}"]`)?.content;
  return { clerkPublishableKey: asPublishableKey(served) ?? asPublishableKey(env.VITE_CLERK_PUBLISHABLE_KEY) };
}

function asPublishableKey(value: unknown): string | undefined {
  const key = typeof value === "string" ? value.trim() : "";
  return /^pk_(test|live)_/.test(key) ? key : undefined;
}
