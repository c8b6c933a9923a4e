import { type DbEnv, dbEnvFrom, dbEnvSchema } from "@repo/db/env";
import { inngestEnvFrom, inngestEnvSchema } from "@repo/inngest/env";
import { optionalSetting, originSetting, parseSettings, SettingsError } from "@repo/settings";
import {
  clerkApiUrlSetting,
  clerkJwtKeySetting,
  clerkLocalDataDirSetting,
  clerkLocalPortSetting,
  clerkPublishableKeySetting,
  clerkSecretKeySetting,
  clerkWebhookSigningSecretSetting,
} from "@repo/settings/clerk";
import { z } from "zod";
import { assertProductionReady } from "./production-settings.ts";
import type { ServerEnv } from "./server-env.ts";

export type { ServerEnv };

/**
 * Every setting the server reads, validated once at start-up and passed on as values: no SDK (Clerk,
 * Inngest, tRPC) is left to read process.env itself for anything that decides security. Each package
 * owns its settings' schema (@repo/db/env, @repo/inngest/env); the server composes them with its own
 * into one schema, so one start-up names every problem at once, one line each, naming the variable and
 * where to get it; values are never echoed, since most of them are secrets.
 */
const serverEnvSchema = z.object({
  ...dbEnvSchema.shape,
  ...inngestEnvSchema.shape,
  NODE_ENV: optionalSetting.pipe(z.enum(["development", "production", "test"]).default("development")),
  PORT: optionalSetting.pipe(
    z
      .string()
      .default("3000")
      .transform((value) => Number(value))
      .pipe(z.number().int().min(0).max(65_535)),
  ),
  HOST: optionalSetting,
  LOG_LEVEL: optionalSetting.pipe(
    z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  ),
  CLERK_PUBLISHABLE_KEY: clerkPublishableKeySetting,
  // The web app's name for the same key: set once, it serves both (CLERK_PUBLISHABLE_KEY wins).
  VITE_CLERK_PUBLISHABLE_KEY: clerkPublishableKeySetting,
  CLERK_SECRET_KEY: clerkSecretKeySetting,
  CLERK_JWT_KEY: clerkJwtKeySetting,
  CLERK_WEBHOOK_SIGNING_SECRET: clerkWebhookSigningSecretSetting,
  CLERK_API_URL: clerkApiUrlSetting,
  CLERK_LOCAL_PORT: clerkLocalPortSetting,
  CLERK_LOCAL_DATA_DIR: clerkLocalDataDirSetting,
  WEB_ORIGIN: optionalSetting.pipe(
    z
      .string()
      .transform((value) =>
        value
          .split(",")
          .map((origin) => origin.trim())
          .filter(Boolean),
      )
      .pipe(z.array(originSetting("WEB_ORIGIN")).min(1))
      .optional(),
  ),
  WEB_DIST_DIR: optionalSetting,
});

const DEV_WEB_ORIGIN = "http://localhost:5173";

export function readServerEnv(env: NodeJS.ProcessEnv): ServerEnv {
  const parsed = parseSettings(serverEnvSchema, env, "Invalid server settings:");
  const isProduction = parsed.NODE_ENV === "production";
  const db: DbEnv = dbEnvFrom(parsed);
  const { inngest, reconcile, devModeProblem } = inngestEnvFrom(parsed, { isProduction });
  if (devModeProblem) throw new SettingsError("Invalid server settings:", [devModeProblem]);
  const serverEnv: ServerEnv = {
    nodeEnv: parsed.NODE_ENV,
    port: parsed.PORT,
    host: parsed.HOST,
    logLevel: parsed.LOG_LEVEL,
    databaseUrl: db.databaseUrl,
    pgliteDataDir: db.pgliteDataDir,
    postgresTimeouts: db.postgresTimeouts,
    clerk: {
      publishableKey: parsed.CLERK_PUBLISHABLE_KEY ?? parsed.VITE_CLERK_PUBLISHABLE_KEY,
      secretKey: parsed.CLERK_SECRET_KEY,
      jwtKey: parsed.CLERK_JWT_KEY,
      apiUrl: parsed.CLERK_API_URL,
      webhookSigningSecret: parsed.CLERK_WEBHOOK_SIGNING_SECRET,
    },
    clerkLocal: { port: parsed.CLERK_LOCAL_PORT, dataDir: parsed.CLERK_LOCAL_DATA_DIR },
    webOrigins: parsed.WEB_ORIGIN ?? (isProduction ? [] : [DEV_WEB_ORIGIN]),
    inngest: {
      ...inngest,
      // In production the web app and the API share an origin unless told otherwise (main.ts serves both).
      serveOrigin: inngest.serveOrigin ?? (isProduction ? parsed.WEB_ORIGIN?.[0] : undefined),
    },
    webDistDir: parsed.WEB_DIST_DIR,
    reconcileSchedule: reconcile.schedule,
    reconcileTombstoneLimit: reconcile.tombstoneLimit,
  };
  if (isProduction)
    assertProductionReady(serverEnv, {
      inngestDevSet: parsed.INNGEST_DEV !== undefined,
      serveOriginSet: parsed.INNGEST_SERVE_ORIGIN !== undefined,
      environment: env,
    });
  return serverEnv;
}
