// Plain JavaScript, with its types in clerk-local-mode.d.ts: the web app's vite.config.ts reaches this
// through the clerk-local plugin, and Vite loads a config's workspace imports with Node as they are,
// which runs no TypeScript.

/**
 * Local mode (@repo/clerk-local): `pnpm dev` with none of Clerk's keys set signs people in against a
 * stand-in for Clerk on this machine. The server (in development only) and the web app's dev server both
 * decide it here, from the same variables, so they always agree.
 *
 * @param {Record<string, string | undefined>} env
 * @returns {boolean}
 */
export function wantsClerkLocal(env) {
  const keyNames = ["VITE_CLERK_PUBLISHABLE_KEY", "CLERK_PUBLISHABLE_KEY", "CLERK_SECRET_KEY", "CLERK_JWT_KEY"];
  return keyNames.every((name) => !env[name]?.trim());
}

/** Where the stand-in listens unless CLERK_LOCAL_PORT says otherwise. */
export const DEFAULT_CLERK_LOCAL_PORT = 3100;
