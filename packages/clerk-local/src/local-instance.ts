export { wantsClerkLocal } from "@repo/settings/clerk";

/** The stand-in's Frontend API host, as its publishable key names it. */
export function localFrontendApi(port: number): string {
  return `127.0.0.1:${port}`;
}

/**
 * The publishable key naming the stand-in: a development key (`pk_test_`) whose Frontend API is
 * 127.0.0.1:<port>, built as Clerk builds its keys (base64 of the host and a `$`). @clerk/react never
 * fetches clerk-js with it, since the page already has the stand-in (vite-plugin.ts); the server only
 * parses it. Production refuses a key naming a loopback host (isLocalFrontendApi).
 */
export function localPublishableKey(port: number): string {
  return `pk_test_${Buffer.from(`${localFrontendApi(port)}$`)
    .toString("base64")
    .replace(/=+$/, "")}`;
}
