import { type ClerkLocal, startClerkLocal } from "@repo/clerk-local/server";
import type { Logger } from "pino";
import type { ServerEnv } from "../server-env.ts";

export type ClerkLocalMode = {
  /** The stand-in itself: its URL, and its people for a test to change. */
  local: ClerkLocal;
  /** The settings with the stand-in's keys and URL in Clerk's place. */
  env: ServerEnv;
  /** Where the stand-in sends webhooks: the server's own URL, known once it listens. */
  setServerUrl(url: string): void;
  close(): Promise<void>;
};

/**
 * Local mode: `pnpm dev` with no Clerk keys starts a stand-in for Clerk on this machine (@repo/clerk-local)
 * and gives the server its keys and URL as if they were Clerk's. Everything downstream is unchanged:
 * sessions are verified by Clerk's authenticateRequest with the stand-in's public key (CLERK_JWT_KEY),
 * user.me's lookup and the reconciliation call its Backend API (CLERK_API_URL), and its webhooks come
 * signed with its secret. main.ts imports this only in development, and the production bundle drops it.
 */
export async function startClerkLocalMode(env: ServerEnv, logger: Logger): Promise<ClerkLocalMode> {
  let serverUrl = `http://127.0.0.1:${env.port}`;
  const local = await startClerkLocal({
    dataDir: env.clerkLocal.dataDir,
    port: env.clerkLocal.port,
    webOrigins: env.webOrigins,
    webhookUrl: () => `${serverUrl}/api/webhooks/clerk`,
    log: (level, message) => logger[level](message),
  });
  logger.warn(
    `Local sign-in: no Clerk keys are set, so people sign in with a stand-in for Clerk on this machine, not Clerk. Local Clerk dashboard: ${local.url}/ . To use Clerk, set VITE_CLERK_PUBLISHABLE_KEY and CLERK_SECRET_KEY in .env and restart.`,
  );
  return {
    local,
    env: {
      ...env,
      clerk: {
        publishableKey: local.publishableKey,
        secretKey: local.secretKey,
        jwtKey: local.jwtKey,
        apiUrl: local.url,
        webhookSigningSecret: local.webhookSigningSecret,
        telemetryDisabled: true,
      },
    },
    setServerUrl(url) {
      serverUrl = url;
    },
    close: () => local.close(),
  };
}
