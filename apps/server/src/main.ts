import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createClerkClient } from "@clerk/backend";
import { createDb, dbConfigFromEnv, describeDb } from "@repo/db/client";
import { findPendingMigrations, migrateToLatest } from "@repo/db/migrate";
import { createInngestClient } from "@repo/inngest/client";
import { config as loadDotenv } from "dotenv";
import { pino } from "pino";
import { createApp } from "./app.ts";
import { EnvError, readServerEnv } from "./env.ts";
import { listenWithGracefulShutdown } from "./http/graceful-shutdown.ts";

// Local settings from the repository's .env (see .env.example); real environment variables win.
loadDotenv({ path: fileURLToPath(new URL("../../../.env", import.meta.url)), quiet: true });

// "info" until the environment is read: a bad LOG_LEVEL must not hide the error that reports it.
const logger = pino({ level: "info" });

try {
  await main();
} catch (error) {
  if (error instanceof EnvError) logger.fatal(error.message);
  else logger.fatal({ err: error }, "server failed to start");
  process.exit(1);
}

async function main() {
  const env = readServerEnv();
  logger.level = env.logLevel;
  const dbConfig = dbConfigFromEnv(env);
  const db = await createDb(dbConfig, { logger });
  // The embedded database is migrated on start so `pnpm dev` needs no extra step; Postgres deployments
  // run `pnpm db:migrate` as a release step, so replicas never race on schema changes at boot.
  if (dbConfig.kind !== "postgres") await migrateToLatest(db);
  const pendingMigrations = await findPendingMigrations(db);
  if (pendingMigrations.length > 0)
    logger.error(
      { pendingMigrations, database: describeDb(dbConfig) },
      "the database is missing migrations this build needs: run `pnpm db:migrate` (/healthz answers 503 until then)",
    );

  const { publishableKey, secretKey, jwtKey, apiUrl, webhookSigningSecret } = env.clerk;
  const clerkClient =
    publishableKey || secretKey ? createClerkClient({ publishableKey, secretKey, jwtKey, apiUrl }) : undefined;
  if (!publishableKey)
    logger.warn("CLERK_PUBLISHABLE_KEY is not set: every request is signed out until it is (see .env.example)");

  const app = createApp({
    db,
    logger,
    inngest: createInngestClient(),
    clerkAuth:
      clerkClient && publishableKey
        ? { clerkClient, publishableKey, secretKey, jwtKey, authorizedParties: env.webOrigins }
        : undefined,
    clerkClient: secretKey ? clerkClient : undefined,
    webhookSigningSecret,
    webOrigins: env.webOrigins,
    webDistDir: env.webDistDir ?? defaultWebDistDir(env.nodeEnv),
    reconcileSchedule: env.reconcileSchedule,
  });

  const server = await listenWithGracefulShutdown(app, {
    port: env.port,
    host: env.host,
    logger,
    onClosed: () => db.destroy(),
  });
  logger.info({ url: server.url, database: describeDb(dbConfig) }, `server listening on ${server.url}`);
}

/** In production the server also serves the web app's build, when there is one beside it. */
function defaultWebDistDir(nodeEnv: string): string | undefined {
  if (nodeEnv !== "production") return undefined;
  const dir = fileURLToPath(new URL("../../web/dist", import.meta.url));
  return existsSync(dir) ? dir : undefined;
}
