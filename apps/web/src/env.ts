/**
 * The web app's only setting. It is public by design (publishable keys are meant for browsers): only
 * VITE_-prefixed variables are compiled into the bundle. Checked by hand rather than with zod to keep
 * a validation library out of the first page load.
 */
export type WebEnv = { clerkPublishableKey: string | undefined };

export function readWebEnv(env: Record<string, unknown> = import.meta.env): WebEnv {
  const key = typeof env.VITE_CLERK_PUBLISHABLE_KEY === "string" ? env.VITE_CLERK_PUBLISHABLE_KEY.trim() : "";
  return { clerkPublishableKey: /^pk_(test|live)_/.test(key) ? key : undefined };
}
