import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { millisecondsSetting, optionalSetting, parseSettings } from "@repo/settings";
import { z } from "zod";

/** How long the server waits for Postgres before it gives up and answers with an error. */
export type PostgresTimeouts = {
  /** Opening a connection, or waiting for a free one in the pool (0: no limit). */
  connectTimeoutMs: number;
  /** One statement: Postgres cancels it after this long (0: no limit). */
  statementTimeoutMs: number;
};

/**
 * Long enough for any statement this app sends (the largest writes 500 users at once), short enough
 * that a request fails well before a load balancer or Svix gives up on it.
 */
export const DEFAULT_POSTGRES_TIMEOUTS: PostgresTimeouts = { connectTimeoutMs: 5_000, statementTimeoutMs: 10_000 };

/** The database's settings, for programs that read more than these to compose into one schema. */
export const dbEnvSchema = z.object({
  DATABASE_URL: optionalSetting.pipe(postgresUrlSetting().optional()),
  PGLITE_DATA_DIR: optionalSetting,
  DATABASE_CONNECT_TIMEOUT_MS: millisecondsSetting(DEFAULT_POSTGRES_TIMEOUTS.connectTimeoutMs),
  DATABASE_STATEMENT_TIMEOUT_MS: millisecondsSetting(DEFAULT_POSTGRES_TIMEOUTS.statementTimeoutMs),
});

/**
 * A Postgres connection string, checked up front: pg's own error for a typo is "Invalid URL" with no hint.
 * The messages never echo the value, which holds a password.
 */
function postgresUrlSetting() {
  return z.string().superRefine((value, ctx) => {
    const problem = postgresUrlProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });
}

function postgresUrlProblem(value: string): string | undefined {
  if (!URL.canParse(value))
    return "is not a valid URL: expected postgres://USER:PASSWORD@HOST:5432/DATABASE, or leave it unset to use the embedded database";
  const url = new URL(value);
  if (url.protocol !== "postgres:" && url.protocol !== "postgresql:")
    return `must start with postgres:// or postgresql://, not ${url.protocol}//`;
  if (!url.hostname) return "has no host name";
  return undefined;
}

export type DbEnv = {
  /** Postgres connection string; absent means the embedded PGlite database. */
  databaseUrl: string | undefined;
  /** Where embedded PGlite keeps its files when there is no DATABASE_URL. */
  pgliteDataDir: string;
  postgresTimeouts: PostgresTimeouts;
};

/** Reads the database settings from the environment, once, where they enter the program. */
export function readDbEnv(env: NodeJS.ProcessEnv = process.env): DbEnv {
  return dbEnvFrom(parseSettings(dbEnvSchema, env, "Invalid database settings:"));
}

/** The database settings out of a parse that included dbEnvSchema. */
export function dbEnvFrom(parsed: z.output<typeof dbEnvSchema>): DbEnv {
  return {
    databaseUrl: parsed.DATABASE_URL,
    pgliteDataDir: parsed.PGLITE_DATA_DIR ?? join(findWorkspaceRoot(process.cwd()), ".data", "pglite"),
    postgresTimeouts: {
      connectTimeoutMs: parsed.DATABASE_CONNECT_TIMEOUT_MS,
      statementTimeoutMs: parsed.DATABASE_STATEMENT_TIMEOUT_MS,
    },
  };
}

/**
 * The embedded database lives in the repository (git-ignored), whichever package's script opened it,
 * so `pnpm dev`, `pnpm db:migrate` and the server all see the same data.
 */
function findWorkspaceRoot(start: string): string {
  let dir = resolve(start);
  while (!existsSync(join(dir, "pnpm-workspace.yaml"))) {
    const parent = dirname(dir);
    if (parent === dir) return resolve(start);
    dir = parent;
  }
  return dir;
}
