import { clerkUserId } from "@repo/clerk/ids";
import { type DbEnv, dbEnvFrom, dbEnvSchema } from "@repo/db/env";
import { emailEnvFrom, emailEnvSchema } from "@repo/email/env";
import { inngestEnvFrom, inngestEnvSchema } from "@repo/inngest/env";
import { checkSettings, optionalSetting, originSetting, SettingsError } from "@repo/settings";
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
import { assertProductionReady, findProductionProblems, type SeenSettings } from "./production-settings.ts";
import type { ServerEnv } from "./server-env.ts";

export type { ServerEnv };

/** The shortest METRICS_TOKEN taken: a bearer token anyone on the network may try, so not guessable. */
const MIN_METRICS_TOKEN_LENGTH = 32;

/**
 * A comma-separated list checked by `items`, blanks around the commas and empty entries ignored; unset or
 * empty leaves it undefined.
 */
function listSetting<Items extends z.ZodType<unknown, string[]>>(items: Items) {
  return optionalSetting.pipe(
    z
      .string()
      .transform((value) =>
        value
          .split(",")
          .map((item) => item.trim())
          .filter(Boolean),
      )
      .pipe(items)
      .optional(),
  );
}

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
  ...emailEnvSchema.shape,
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
  WEB_ORIGIN: listSetting(z.array(originSetting("WEB_ORIGIN")).min(1)),
  WEB_DIST_DIR: optionalSetting,
  OPERATOR_USER_IDS: listSetting(z.array(clerkUserId)),
  METRICS_TOKEN: optionalSetting.pipe(
    z
      .string()
      .min(MIN_METRICS_TOKEN_LENGTH, {
        message: `must be at least ${MIN_METRICS_TOKEN_LENGTH} characters: generate one with \`openssl rand -base64 32\``,
      })
      .optional(),
  ),
});

const DEV_WEB_ORIGIN = "http://localhost:5173";

const HEADING = "Invalid server settings:";

export function readServerEnv(env: NodeJS.ProcessEnv): ServerEnv {
  const checked = checkSettings(serverEnvSchema, env);
  if (checked.success) {
    const { serverEnv, seen } = composeServerEnv(checked.data, env);
    if (serverEnv.nodeEnv === "production") assertProductionReady(serverEnv, seen);
    return serverEnv;
  }
  if (env.NODE_ENV?.trim() !== "production") throw new SettingsError(HEADING, checked.problems);
  // Production names every problem in one start-up: a malformed value and a missing key alike, so a
  // deploy is not fixed one round at a time.
  throw new SettingsError("Invalid, missing or unsafe production settings:", [
    ...checked.problems,
    ...productionProblemsBesides(checked.invalidVariables, env),
  ]);
}

/**
 * Production's rules over the well-formed settings, the malformed ones read as unset: their own line
 * already says what is wrong with them, so production's line about the same variable is left out.
 */
function productionProblemsBesides(invalid: ReadonlySet<string>, env: NodeJS.ProcessEnv): string[] {
  const wellFormed = checkSettings(
    serverEnvSchema,
    Object.fromEntries(Object.entries(env).filter(([name]) => !invalid.has(name))),
  );
  if (!wellFormed.success) return [];
  const { serverEnv, seen } = composeServerEnv(wellFormed.data, env);
  return findProductionProblems(serverEnv, seen).filter((problem) => !invalid.has(problem.split(" ")[0] ?? ""));
}

function composeServerEnv(
  parsed: z.output<typeof serverEnvSchema>,
  env: NodeJS.ProcessEnv,
): { serverEnv: ServerEnv; seen: SeenSettings } {
  const isProduction = parsed.NODE_ENV === "production";
  const db: DbEnv = dbEnvFrom(parsed);
  const { inngest, reconcile, deprecation, devModeProblem } = inngestEnvFrom(parsed, { isProduction });
  if (devModeProblem) throw new SettingsError(HEADING, [devModeProblem]);
  const serverEnv: ServerEnv = {
    nodeEnv: parsed.NODE_ENV,
    port: parsed.PORT,
    // Development listens on this machine only: a laptop on a café's network must not serve its API (and,
    // in local mode, sessions anyone can mint) to its neighbours. Production listens on every interface.
    host: parsed.HOST ?? (isProduction ? undefined : "localhost"),
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
    reconcileIncrementalSchedule: reconcile.incrementalSchedule,
    reconcilePaceOverrides: reconcile.paceOverrides,
    clerkPull: reconcile.pull,
    reconcileTombstoneLimit: reconcile.tombstoneLimit,
    email: emailEnvFrom(parsed),
    operatorUserIds: parsed.OPERATOR_USER_IDS ?? [],
    metricsToken: parsed.METRICS_TOKEN,
    deprecation,
  };
  const seen: SeenSettings = {
    inngestDevSet: parsed.INNGEST_DEV !== undefined,
    serveOriginSet: parsed.INNGEST_SERVE_ORIGIN !== undefined,
    environment: env,
  };
  return { serverEnv, seen };
}
