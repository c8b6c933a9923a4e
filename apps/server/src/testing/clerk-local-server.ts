import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClerkClient } from "@clerk/backend";
import type { ClerkLocal } from "@repo/clerk-local/server";
import type { Db } from "@repo/db/client";
import { type ReconciliationReport, runReconciliation } from "@repo/inngest/reconcile";
import { pino } from "pino";
import { createAppFromSettings } from "../app-from-settings.ts";
import { startClerkLocalMode } from "../clerk/clerk-local-mode.ts";
import { readServerEnv } from "../env.ts";
import { listenOnLoopback } from "./test-server.ts";

export type ClerkLocalModeServer = {
  url: string;
  local: ClerkLocal;
  /** One reconciliation against the stand-in, as the development pull runs it. */
  pullFromClerk(): Promise<ReconciliationReport>;
  close(): Promise<void>;
};

/**
 * The server as `pnpm dev` runs it with no Clerk keys (main.ts): development settings, the local
 * stand-in for Clerk started, and the app built from the settings it fills in. On the caller's database
 * and ports, with the stand-in's keys in a temporary folder.
 */
export async function startClerkLocalModeServer(options: {
  db: Db;
  port: number;
  clerkLocalPort: number;
  webOrigin: string;
  /** Inngest's Event API (a stub), where the webhook route forwards the stand-in's webhooks. */
  inngestBaseUrl?: string;
}): Promise<ClerkLocalModeServer> {
  const settings = readServerEnv({
    NODE_ENV: "development",
    PORT: String(options.port),
    CLERK_LOCAL_PORT: String(options.clerkLocalPort),
    CLERK_LOCAL_DATA_DIR: mkdtempSync(join(tmpdir(), "clerk-local-")),
    WEB_ORIGIN: options.webOrigin,
    INNGEST_BASE_URL: options.inngestBaseUrl ?? "http://127.0.0.1:9",
    INNGEST_EVENT_KEY: "test-event-key",
  });
  const logger = pino({ level: "silent" });
  const mode = await startClerkLocalMode(settings, logger);
  const app = createAppFromSettings(mode.env, { db: options.db, logger });
  const server = await listenOnLoopback(app, options.port);
  mode.setServerUrl(server.url);
  const clerk = createClerkClient({ secretKey: mode.env.clerk.secretKey, apiUrl: mode.local.url });
  return {
    url: server.url,
    local: mode.local,
    pullFromClerk: () => runReconciliation({ db: options.db, clerk }, { trigger: "test" }),
    close: async () => {
      await server.close();
      await mode.close();
    },
  };
}
