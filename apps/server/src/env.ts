import { createPublicKey } from "node:crypto";
import { type PostgresTimeouts, readDbEnv, SettingsError } from "@repo/db/env";
import { DEFAULT_TOMBSTONE_LIMIT } from "@repo/inngest/reconcile";
import { z } from "zod";
import { DEFAULT_INNGEST_MAX_BODY_BYTES, MAX_INNGEST_MAX_BODY_BYTES } from "./pipeline/inngest-body-limit.ts";

/**
 * Every setting the server reads, validated once at start-up and passed on as values: no SDK (Clerk,
 * Inngest, tRPC) is left to read process.env itself for anything that decides security. A missing or
 * malformed value stops the server with one line per problem, naming the variable and where to get it;
 * values are never echoed, since most of them are secrets.
 */
const optionalString = z
  .string()
  .trim()
  .transform((value) => value || undefined)
  .optional();

const fromClerkDashboard = (where: string) => `copy it from the Clerk dashboard (${where})`;
const fromInngestDashboard = (where: string) => `copy it from the Inngest dashboard (${where})`;

const A_FRACTION = "must be a fraction from 0 to 1, such as 0.1 (10% of the live users)";
const USER_COUNT = "must be a whole number of users";
const BODY_BYTES = `must be a whole number of bytes from 1024 to ${MAX_INNGEST_MAX_BODY_BYTES}, such as ${DEFAULT_INNGEST_MAX_BODY_BYTES} (4 MiB)`;

const serverEnvSchema = z.object({
  NODE_ENV: optionalString.pipe(z.enum(["development", "production", "test"]).default("development")),
  PORT: optionalString.pipe(
    z
      .string()
      .default("3000")
      .transform((value) => Number(value))
      .pipe(z.number().int().min(0).max(65_535)),
  ),
  HOST: optionalString,
  LOG_LEVEL: optionalString.pipe(
    z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  ),
  CLERK_PUBLISHABLE_KEY: optionalString.pipe(
    z
      .string()
      .regex(/^pk_(test|live)_/, `must start with pk_test_ or pk_live_: ${fromClerkDashboard("API keys")}`)
      .optional(),
  ),
  CLERK_SECRET_KEY: optionalString.pipe(
    z
      .string()
      .regex(/^sk_(test|live)_/, `must start with sk_test_ or sk_live_: ${fromClerkDashboard("API keys")}`)
      .optional(),
  ),
  CLERK_JWT_KEY: optionalString.pipe(
    z
      .string()
      .transform((value) => value.replaceAll("\\n", "\n"))
      .refine(isPublicKey, `must be a PEM public key: ${fromClerkDashboard("API keys > JWT public key > PEM")}`)
      .optional(),
  ),
  CLERK_WEBHOOK_SIGNING_SECRET: optionalString.pipe(
    z
      .string()
      .regex(/^whsec_/, `must start with whsec_: ${fromClerkDashboard("Webhooks > your endpoint > Signing Secret")}`)
      .optional(),
  ),
  CLERK_API_URL: optionalString.pipe(z.url().optional()),
  WEB_ORIGIN: optionalString.pipe(
    z
      .string()
      .transform((value) =>
        value
          .split(",")
          .map((origin) => origin.trim())
          .filter(Boolean),
      )
      .pipe(z.array(originSchema("WEB_ORIGIN")).min(1))
      .optional(),
  ),
  INNGEST_DEV: optionalString,
  INNGEST_SIGNING_KEY: optionalString.pipe(signingKeySchema()),
  INNGEST_SIGNING_KEY_FALLBACK: optionalString.pipe(signingKeySchema()),
  INNGEST_EVENT_KEY: optionalString,
  INNGEST_BASE_URL: optionalString.pipe(z.url().optional()),
  INNGEST_SERVE_ORIGIN: optionalString.pipe(originSchema("INNGEST_SERVE_ORIGIN").optional()),
  INNGEST_MAX_BODY_BYTES: numberSetting(
    z.number({ message: BODY_BYTES }).int(BODY_BYTES).min(1024, BODY_BYTES).max(MAX_INNGEST_MAX_BODY_BYTES, BODY_BYTES),
  ),
  WEB_DIST_DIR: optionalString,
  USERS_RECONCILE_MAX_TOMBSTONE_SHARE: numberSetting(
    z.number({ message: A_FRACTION }).min(0, A_FRACTION).max(1, A_FRACTION),
  ),
  USERS_RECONCILE_MAX_TOMBSTONE_MIN_USERS: numberSetting(
    z.number({ message: USER_COUNT }).int(USER_COUNT).nonnegative(USER_COUNT),
  ),
  USERS_RECONCILE_CRON: optionalString.pipe(
    z
      .string()
      .regex(
        /^(TZ=\S+\s+)?(\S+\s+){4}\S+$/,
        "must be a five-field cron expression, optionally after TZ=Zone/Name, such as 0 3 * * * (daily at 03:00 UTC)",
      )
      .optional(),
  ),
});

/** A number given as text; unset or empty leaves it undefined. */
function numberSetting(schema: z.ZodNumber) {
  return optionalString.pipe(
    z
      .string()
      .transform((value) => Number(value))
      .pipe(schema)
      .optional(),
  );
}

/** An origin (scheme, host, port) such as https://app.example.com: CORS and `azp` compare it exactly. */
function originSchema(name: string) {
  return z.url({ message: `must be origins such as https://app.example.com` }).transform((value, ctx) => {
    const url = new URL(value);
    if (url.pathname !== "/" || url.search || url.hash) {
      ctx.addIssue({
        code: "custom",
        message: `must be an origin without a path, such as ${url.origin}: ${name} is compared with the browser's Origin`,
      });
      return z.NEVER;
    }
    return url.origin;
  });
}

/** A key that would fail every verification must stop the start-up, not sign every user out. */
function isPublicKey(pem: string): boolean {
  if (!pem.includes("BEGIN PUBLIC KEY")) return false;
  try {
    return createPublicKey(pem).type === "public";
  } catch {
    return false;
  }
}

function signingKeySchema() {
  return z
    .string()
    .regex(/^signkey-/, `must start with signkey-: ${fromInngestDashboard("Manage > Signing Key")}`)
    .optional();
}

export type InngestSettings = {
  /** Inngest Dev Server mode: no signature checks. Development only; refused in production. */
  isDev: boolean;
  /** Where events are sent and the app is registered; Inngest Cloud when unset. */
  baseUrl: string | undefined;
  signingKey: string | undefined;
  /** The previous signing key while a rotation is under way. */
  signingKeyFallback: string | undefined;
  eventKey: string | undefined;
  /**
   * The origin Inngest is told to call (`serve()`'s serveOrigin). Without it the SDK builds the URL it
   * registers from the request's Host header, which anyone can set.
   */
  serveOrigin: string | undefined;
  /** Largest body /api/inngest reads; more gets 413 (DEFAULT_INNGEST_MAX_BODY_BYTES explains the default). */
  maxBodyBytes: number;
};

export type ServerEnv = {
  nodeEnv: "development" | "production" | "test";
  port: number;
  host: string | undefined;
  logLevel: string;
  databaseUrl: string | undefined;
  pgliteDataDir: string;
  postgresTimeouts: PostgresTimeouts;
  clerk: {
    publishableKey: string | undefined;
    secretKey: string | undefined;
    jwtKey: string | undefined;
    apiUrl: string | undefined;
    /** Set: /api/webhooks/clerk verifies and forwards deliveries. Unset: it refuses them (503). */
    webhookSigningSecret: string | undefined;
  };
  webOrigins: string[];
  inngest: InngestSettings;
  webDistDir: string | undefined;
  reconcileSchedule: string | undefined;
  /**
   * A reconciliation that would tombstone more than `share` of the live users and more than `minUsers`
   * users stops instead (most likely the wrong Clerk instance's key). Defaults in @repo/inngest/reconcile.
   */
  reconcileTombstoneLimit: { share: number; minUsers: number };
};

const DEV_WEB_ORIGIN = "http://localhost:5173";

export function readServerEnv(env: NodeJS.ProcessEnv): ServerEnv {
  const result = serverEnvSchema.safeParse(env);
  if (!result.success) {
    throw new SettingsError(
      "Invalid server settings:",
      result.error.issues.map((issue) => `${issue.path.join(".")} ${issue.message}`),
    );
  }
  const parsed = result.data;
  const isProduction = parsed.NODE_ENV === "production";
  const db = readDbEnv(env);
  const inngestDev = readInngestDevMode(parsed.INNGEST_DEV);
  const serverEnv: ServerEnv = {
    nodeEnv: parsed.NODE_ENV,
    port: parsed.PORT,
    host: parsed.HOST,
    logLevel: parsed.LOG_LEVEL,
    databaseUrl: db.databaseUrl,
    pgliteDataDir: db.pgliteDataDir,
    postgresTimeouts: db.postgresTimeouts,
    clerk: {
      publishableKey: parsed.CLERK_PUBLISHABLE_KEY,
      secretKey: parsed.CLERK_SECRET_KEY,
      jwtKey: parsed.CLERK_JWT_KEY,
      apiUrl: parsed.CLERK_API_URL,
      webhookSigningSecret: parsed.CLERK_WEBHOOK_SIGNING_SECRET,
    },
    webOrigins: parsed.WEB_ORIGIN ?? (isProduction ? [] : [DEV_WEB_ORIGIN]),
    inngest: {
      isDev: !isProduction && inngestDev.isDev,
      baseUrl: parsed.INNGEST_BASE_URL ?? (isProduction ? undefined : inngestDev.devServerUrl),
      signingKey: parsed.INNGEST_SIGNING_KEY,
      signingKeyFallback: parsed.INNGEST_SIGNING_KEY_FALLBACK,
      eventKey: parsed.INNGEST_EVENT_KEY,
      // In production the web app and the API share an origin unless told otherwise (main.ts serves both).
      serveOrigin: parsed.INNGEST_SERVE_ORIGIN ?? (isProduction ? parsed.WEB_ORIGIN?.[0] : undefined),
      maxBodyBytes: parsed.INNGEST_MAX_BODY_BYTES ?? DEFAULT_INNGEST_MAX_BODY_BYTES,
    },
    webDistDir: parsed.WEB_DIST_DIR,
    reconcileSchedule: parsed.USERS_RECONCILE_CRON,
    reconcileTombstoneLimit: {
      share: parsed.USERS_RECONCILE_MAX_TOMBSTONE_SHARE ?? DEFAULT_TOMBSTONE_LIMIT.share,
      minUsers: parsed.USERS_RECONCILE_MAX_TOMBSTONE_MIN_USERS ?? DEFAULT_TOMBSTONE_LIMIT.minUsers,
    },
  };
  if (!isProduction && inngestDev.problem) throw new SettingsError("Invalid server settings:", [inngestDev.problem]);
  if (isProduction)
    assertProductionReady(serverEnv, {
      inngestDevSet: parsed.INNGEST_DEV !== undefined,
      serveOriginSet: parsed.INNGEST_SERVE_ORIGIN !== undefined,
      unreadInngestSettings: unreadInngestSettings(env),
    });
  return serverEnv;
}

/**
 * INNGEST_DEV as Inngest's SDK reads it: 1/true or a Dev Server URL mean dev mode, 0/false mean cloud.
 * Anything else is refused here, because the SDK would quietly treat a word like "no" as dev mode.
 */
function readInngestDevMode(value: string | undefined): {
  isDev: boolean;
  devServerUrl?: string;
  problem?: string;
} {
  if (value === undefined) return { isDev: false };
  const word = value.toLowerCase();
  if (word === "1" || word === "true") return { isDev: true };
  if (word === "0" || word === "false") return { isDev: false };
  if (URL.canParse(value) && /^https?:/.test(value)) return { isDev: true, devServerUrl: value };
  return {
    isDev: false,
    problem: "INNGEST_DEV must be 1, 0, or the Dev Server's URL (such as http://localhost:8288)",
  };
}

/**
 * In development the app starts without keys (and shows how to add them); in production it must not
 * start with anything that would let a request, a token or a copied .env.example turn it against its
 * users.
 */
function assertProductionReady(
  env: ServerEnv,
  seen: { inngestDevSet: boolean; serveOriginSet: boolean; unreadInngestSettings: string[] },
) {
  const problems: string[] = [];
  if (!env.databaseUrl)
    problems.push("DATABASE_URL is not set: production runs on Postgres (postgres://USER:PASSWORD@HOST:5432/DB)");
  if (!env.clerk.publishableKey) problems.push(`CLERK_PUBLISHABLE_KEY is not set: ${fromClerkDashboard("API keys")}`);
  if (!env.clerk.secretKey) problems.push(`CLERK_SECRET_KEY is not set: ${fromClerkDashboard("API keys")}`);
  if (!env.clerk.jwtKey)
    problems.push(
      `CLERK_JWT_KEY is not set: production verifies session tokens without calling Clerk; ${fromClerkDashboard("API keys > JWT public key > PEM")}`,
    );
  if (env.webOrigins.length === 0)
    problems.push(
      "WEB_ORIGIN is not set: the origins the web app is served from, such as https://app.example.com (CORS and Clerk's azp check)",
    );
  for (const origin of env.webOrigins) {
    if (!isHttpsOrLocal(origin))
      problems.push(`WEB_ORIGIN must use https outside localhost: ${origin} would let tokens travel in clear text`);
  }
  if (seen.inngestDevSet)
    problems.push(
      "INNGEST_DEV is set: production never runs Inngest in dev mode, which skips signature checks; unset it (whatever its value)",
    );
  if (!env.inngest.signingKey)
    problems.push(
      `INNGEST_SIGNING_KEY is not set: it verifies Inngest's calls to /api/inngest; ${fromInngestDashboard("Manage > Signing Key")}`,
    );
  if (env.clerk.webhookSigningSecret && !env.inngest.eventKey)
    problems.push(
      `INNGEST_EVENT_KEY is not set: /api/webhooks/clerk (on because CLERK_WEBHOOK_SIGNING_SECRET is set) sends Clerk's events to Inngest with it; ${fromInngestDashboard("Manage > Event Keys")}`,
    );
  // (Defaulted from WEB_ORIGIN, it is checked above already.)
  if (seen.serveOriginSet && env.inngest.serveOrigin && !isHttpsOrLocal(env.inngest.serveOrigin))
    problems.push(
      `INNGEST_SERVE_ORIGIN must use https outside localhost: Inngest would call ${env.inngest.serveOrigin} in clear text`,
    );
  if (env.inngest.baseUrl && !isHttpsOrLocal(env.inngest.baseUrl))
    problems.push(
      `INNGEST_BASE_URL must use https outside localhost: events and the signing key's hash would travel in clear text`,
    );
  for (const name of seen.unreadInngestSettings)
    problems.push(
      `${name} is set, but this server does not read it and Inngest's SDK would read it on its own: unset it (INNGEST_BASE_URL sets where Inngest is)`,
    );
  if (problems.length > 0) throw new SettingsError("Missing or unsafe production settings:", problems);
}

/**
 * Inngest's SDK reads its own INNGEST_* variables from process.env on every request, whatever the
 * client is given (INNGEST_API_BASE_URL would send the signing key's hash elsewhere, INNGEST_STREAMING
 * changes every status code). Production takes only the ones this file validates and passes on.
 */
const INNGEST_SETTINGS_READ_HERE = new Set([
  "INNGEST_DEV",
  "INNGEST_SIGNING_KEY",
  "INNGEST_SIGNING_KEY_FALLBACK",
  "INNGEST_EVENT_KEY",
  "INNGEST_BASE_URL",
  "INNGEST_SERVE_ORIGIN",
  "INNGEST_MAX_BODY_BYTES",
]);

function unreadInngestSettings(env: NodeJS.ProcessEnv): string[] {
  return Object.keys(env)
    .filter((name) => name.startsWith("INNGEST_") && !INNGEST_SETTINGS_READ_HERE.has(name))
    .filter((name) => env[name]?.trim())
    .sort();
}

function isHttpsOrLocal(origin: string): boolean {
  const url = new URL(origin);
  return url.protocol === "https:" || ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
}
