// Plain JavaScript, with its types in clerk-local-mode.d.ts: the web app's vite.config.ts reaches this
// through the clerk-local plugin, and Vite loads a config's workspace imports with Node as they are,
// which runs no TypeScript.

/**
 * Local mode (@repo/clerk-local): `pnpm dev` with none of Clerk's settings signs people in against a
 * stand-in for Clerk on this machine. Any one of them set means Clerk is being set up, and the app says
 * what is still missing instead. The server (in development only) and the web app's dev server both
 * decide it here, from the same variables, so they always agree.
 *
 * @param {Record<string, string | undefined>} env
 * @returns {boolean}
 */
export function wantsClerkLocal(env) {
  return CLERK_SETTING_NAMES.every((name) => !env[name]?.trim());
}

const CLERK_SETTING_NAMES = [
  "VITE_CLERK_PUBLISHABLE_KEY",
  "CLERK_PUBLISHABLE_KEY",
  "CLERK_SECRET_KEY",
  "CLERK_JWT_KEY",
  "CLERK_WEBHOOK_SIGNING_SECRET",
  "CLERK_API_URL",
];

/** Where the stand-in listens unless CLERK_LOCAL_PORT says otherwise. */
export const DEFAULT_CLERK_LOCAL_PORT = 3100;
