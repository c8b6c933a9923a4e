// Plain JavaScript, with its types in local-instance.d.ts: vite-plugin.js needs it, and Vite loads a
// config's workspace imports with Node as they are, which runs no TypeScript.

/**
 * The stand-in's Frontend API host, as its publishable key names it.
 *
 * @param {number} port
 */
export function localFrontendApi(port) {
  return `127.0.0.1:${port}`;
}

/**
 * The publishable key naming the stand-in: a development key (`pk_test_`) whose Frontend API is
 * 127.0.0.1:<port>, built as Clerk builds its keys (base64 of the host and a `$`). @clerk/react never
 * fetches clerk-js with it, since the page already has the stand-in (vite-plugin.js); the server only
 * parses it. Production refuses a key naming a loopback host (isLocalFrontendApi in @repo/settings/clerk).
 *
 * @param {number} port
 */
export function localPublishableKey(port) {
  return `pk_test_${Buffer.from(`${localFrontendApi(port)}$`)
    .toString("base64")
    .replace(/=+$/, "")}`;
}
