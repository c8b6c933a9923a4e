import { createDb, dbConfigFromEnv, describeDb } from "@repo/db/client";
import { findPendingMigrations, migrateToLatest } from "@repo/db/migrate";
import { SettingsError } from "@repo/settings";
import { wantsClerkLocal } from "@repo/settings/clerk-local-mode";
import { readSettingsSource } from "@repo/settings/source";
import type { Logger } from "pino";
import { createAppFromSettings } from "./app-from-settings.ts";
import { readServerEnv } from "./env.ts";
import { listenWithGracefulShutdown } from "./http/graceful-shutdown.ts";
import { createLogger } from "./http/logger.ts";
import { startClerkPullFromSettings } from "./sync/clerk-pull.ts";

/** Defined (true) only in the bundle build.mjs makes, which is what `pnpm start` runs. */
declare const __PRODUCTION_BUILD__: boolean | undefined;

try {
  await main();
} catch (error) {
  // Settings problems are for a person at a terminal or reading a deploy log: plain lines, one per problem.
  if (error instanceof SettingsError) process.stderr.write(`${error.message}\n`);
  else
    process.stderr.write(
      `server failed to start: ${error instanceof Error ? (error.stack ?? error.message) : error}\n`,
    );
  process.exit(1);
}

async function main() {
  const settings = readSettingsSource({ environment: productionBuildDefaults(process.env) });
  const settingsEnv = readServerEnv(settings);
  const logger = await createLogger({ level: settingsEnv.logLevel, pretty: settingsEnv.nodeEnv !== "production" });
  if (settingsEnv.deprecation) logger.warn(settingsEnv.deprecation);
  // Local mode: development with no Clerk keys signs in against a stand-in for Clerk. The production build
  // leaves this branch, and the stand-in with it, out of the bundle (__PRODUCTION_BUILD__ is true there).
  const clerkLocal =
    typeof __PRODUCTION_BUILD__ === "undefined" && settingsEnv.nodeEnv === "development" && wantsClerkLocal(settings)
      ? await (await import("./clerk/clerk-local-mode.ts")).startClerkLocalMode(settingsEnv, logger)
      : undefined;
  const env = clerkLocal?.env ?? settingsEnv;
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
  const pull = startClerkPullFromSettings(env, { db, logger });
  const server = await listenWithGracefulShutdown(app, {
    port: env.port,
    host: env.host,
    logger,
    onClosed: async () => {
      // The run in progress ends first: it writes to the database (and may be asking the stand-in). It
      // stops at its next request, but a database that does not answer must not hold shutdown open: tsx
      // watch kills the process after 5 s, and a platform's grace period is not much longer.
      await withDeadline(pull?.stop(), SHUTDOWN_STEP_DEADLINE_MS, "the pull from Clerk", logger);
      await withDeadline(clerkLocal?.close(), SHUTDOWN_STEP_DEADLINE_MS, "the local stand-in for Clerk", logger);
      await db.destroy();
    },
  });
  clerkLocal?.setServerUrl(server.url);
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

/** How long each of shutdown's steps may take before it is left behind. */
const SHUTDOWN_STEP_DEADLINE_MS = 2_000;

/** Waits for `work`, but no longer than `ms`: then logs that it was left unfinished and goes on. */
async function withDeadline(work: Promise<void> | undefined, ms: number, what: string, logger: Logger) {
  if (!work) return;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<"late">((resolve) => {
    timer = setTimeout(() => resolve("late"), ms);
  });
  try {
    if ((await Promise.race([work, deadline])) === "late")
      logger.warn(`shutting down without waiting longer for ${what}`);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The production build runs as production even when NODE_ENV was forgotten (`node dist/main.js`):
 * otherwise a deployment would quietly read .env, accept INNGEST_DEV and skip every production check.
 * For the same reason it refuses any other NODE_ENV (a deploy that inherits NODE_ENV=development or test)
 * unless ALLOW_NON_PRODUCTION_BUILD=1 says it is meant, and even then it does not pull from Clerk unless
 * RECONCILE_PULL=on asks. Development is `pnpm dev`, from source.
 */
function productionBuildDefaults(environment: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  if (typeof __PRODUCTION_BUILD__ === "undefined") return environment;
  const nodeEnv = environment.NODE_ENV?.trim();
  if (nodeEnv && nodeEnv !== "production") {
    if (environment.ALLOW_NON_PRODUCTION_BUILD?.trim() !== "1")
      throw new SettingsError("The production build refuses to run outside production:", [
        `NODE_ENV is ${nodeEnv}: unset it or set NODE_ENV=production (for development, run \`pnpm dev\`; to run this build as ${nodeEnv} on purpose, set ALLOW_NON_PRODUCTION_BUILD=1)`,
      ]);
    environment.RECONCILE_PULL ??= "off";
    return environment;
  }
  // Dependencies read it too (Express shows stack traces outside production).
  environment.NODE_ENV = "production";
  return environment;
}
