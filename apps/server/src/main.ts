import { fileURLToPath } from "node:url";
import { createDb, dbConfigFromEnv, describeDb } from "@repo/db/client";
import { findPendingMigrations, migrateToLatest } from "@repo/db/migrate";
import { createAppFromSettings } from "./app-from-settings.ts";
import { EnvError, readServerEnv } from "./env.ts";
import { listenWithGracefulShutdown } from "./http/graceful-shutdown.ts";
import { createLogger } from "./http/logger.ts";
import { readSettingsSource } from "./settings-source.ts";

try {
  await main();
} catch (error) {
  // Settings problems are for a person at a terminal or reading a deploy log: plain lines, one per problem.
  if (error instanceof EnvError) process.stderr.write(`${error.message}\n`);
  else
    process.stderr.write(
      `server failed to start: ${error instanceof Error ? (error.stack ?? error.message) : error}\n`,
    );
  process.exit(1);
}

async function main() {
  const env = readServerEnv(readSettingsSource(fileURLToPath(new URL("../../../.env", import.meta.url))));
  const logger = await createLogger({ level: env.logLevel, pretty: env.nodeEnv !== "production" });
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

  const app = createAppFromSettings(env, { db, logger });
  const server = await listenWithGracefulShutdown(app, {
    port: env.port,
    host: env.host,
    logger,
    onClosed: () => db.destroy(),
  });
  logger.info(
    {
      url: server.url,
      database: describeDb(dbConfig),
      inngestMode: env.inngest.isDev ? "dev" : "cloud",
      inngestServeOrigin: env.inngest.serveOrigin ?? "(from each request)",
    },
    `server listening on ${server.url}`,
  );
}
