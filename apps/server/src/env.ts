import { type PostgresTimeouts, readDbEnv } from "@repo/db/env";
import { z } from "zod";

/**
 * Every setting the server reads, validated once at start-up. A missing or malformed value stops the
 * server with a message naming the variable and where to get it; values are never echoed, since most
 * of them are secrets.
 */
const optionalString = z
  .string()
  .trim()
  .transform((value) => value || undefined)
  .optional();

const fromClerkDashboard = (where: string) => `copy it from the Clerk dashboard (${where})`;

const serverEnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  HOST: optionalString,
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
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
      .includes("BEGIN PUBLIC KEY", {
        message: `must be a PEM public key: ${fromClerkDashboard("API keys > JWT public key > PEM")}`,
      })
      .optional(),
  ),
  CLERK_WEBHOOK_SIGNING_SECRET: optionalString.pipe(
    z
      .string()
      .regex(/^whsec_/, `must start with whsec_: ${fromClerkDashboard("Webhooks > your endpoint > Signing Secret")}`)
      .optional(),
  ),
  CLERK_API_URL: optionalString.pipe(z.url().optional()),
  WEB_ORIGIN: z
    .string()
    .default("http://localhost:5173")
    .transform((value) =>
      value
        .split(",")
        .map((origin) => origin.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.url({ message: "must be comma-separated origins such as https://app.example.com" })).min(1)),
  INNGEST_DEV: optionalString,
  INNGEST_SIGNING_KEY: optionalString.pipe(
    z
      .string()
      .regex(/^signkey-/, "must start with signkey-: copy it from the Inngest dashboard (Manage > Signing Key)")
      .optional(),
  ),
  INNGEST_EVENT_KEY: optionalString,
  WEB_DIST_DIR: optionalString,
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
    webhookSigningSecret: string | undefined;
  };
  webOrigins: string[];
  inngestDev: boolean;
  webDistDir: string | undefined;
  reconcileSchedule: string | undefined;
};

export class EnvError extends Error {
  override name = "EnvError";
}

export function readServerEnv(env: NodeJS.ProcessEnv = process.env): ServerEnv {
  const result = serverEnvSchema.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `- ${issue.path.join(".")} ${issue.message}`);
    throw new EnvError(`Invalid server environment:\n${lines.join("\n")}`);
  }
  const parsed = result.data;
  const db = readDbEnv(env);
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
      jwtKey: parsed.CLERK_JWT_KEY?.replaceAll("\\n", "\n"),
      apiUrl: parsed.CLERK_API_URL,
      webhookSigningSecret: parsed.CLERK_WEBHOOK_SIGNING_SECRET,
    },
    webOrigins: parsed.WEB_ORIGIN,
    inngestDev: parsed.INNGEST_DEV !== undefined && parsed.INNGEST_DEV !== "0" && parsed.INNGEST_DEV !== "false",
    webDistDir: parsed.WEB_DIST_DIR,
    reconcileSchedule: parsed.USERS_RECONCILE_CRON,
  };
  if (serverEnv.nodeEnv === "production") assertProductionReady(serverEnv, parsed.INNGEST_SIGNING_KEY);
  return serverEnv;
}

/** In development the app starts without keys (and shows how to add them); in production it must not. */
function assertProductionReady(env: ServerEnv, inngestSigningKey: string | undefined) {
  const missing: string[] = [];
  if (!env.databaseUrl)
    missing.push("- DATABASE_URL is not set: production runs on Postgres (postgres://USER:PASSWORD@HOST:5432/DB)");
  if (!env.clerk.publishableKey) missing.push(`- CLERK_PUBLISHABLE_KEY is not set: ${fromClerkDashboard("API keys")}`);
  if (!env.clerk.secretKey) missing.push(`- CLERK_SECRET_KEY is not set: ${fromClerkDashboard("API keys")}`);
  if (!env.clerk.webhookSigningSecret)
    missing.push(
      `- CLERK_WEBHOOK_SIGNING_SECRET is not set: ${fromClerkDashboard("Webhooks > your endpoint > Signing Secret")}`,
    );
  if (!env.inngestDev && !inngestSigningKey)
    missing.push("- INNGEST_SIGNING_KEY is not set: copy it from the Inngest dashboard (Manage > Signing Key)");
  if (missing.length > 0) throw new EnvError(`Missing production settings:\n${missing.join("\n")}`);
}
