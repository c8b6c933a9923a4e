import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
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

const NOT_MILLISECONDS = "must be a whole number of milliseconds (0: no limit)";

/** A duration from the environment, in whole milliseconds up to an hour; 0 means no limit, unset the default. */
const milliseconds = (fallback: number) =>
  z
    .string()
    .trim()
    .optional()
    .transform((value) => (value ? Number(value) : fallback))
    .pipe(
      z
        .number({ message: NOT_MILLISECONDS })
        .int(NOT_MILLISECONDS)
        .min(0, NOT_MILLISECONDS)
        .max(3_600_000, "must be at most 3600000 (one hour)"),
    );

const dbEnvSchema = z.object({
  DATABASE_URL: z
    .string()
    .trim()
    .transform((value) => value || undefined)
    .optional(),
  PGLITE_DATA_DIR: z
    .string()
    .trim()
    .transform((value) => value || undefined)
    .optional(),
  DATABASE_CONNECT_TIMEOUT_MS: milliseconds(DEFAULT_POSTGRES_TIMEOUTS.connectTimeoutMs),
  DATABASE_STATEMENT_TIMEOUT_MS: milliseconds(DEFAULT_POSTGRES_TIMEOUTS.statementTimeoutMs),
});

export type DbEnv = {
  /** Postgres connection string; absent means the embedded PGlite database. */
  databaseUrl: string | undefined;
  /** Where embedded PGlite keeps its files when there is no DATABASE_URL. */
  pgliteDataDir: string;
  postgresTimeouts: PostgresTimeouts;
};

/**
 * Settings that cannot be used. `problems` holds one line per problem, naming the variable and what it
 * must be, never its value: every app prints them as plain lines for the person starting it.
 */
export class SettingsError extends Error {
  override name = "SettingsError";
  constructor(
    readonly heading: string,
    readonly problems: string[],
  ) {
    super(`${heading}\n${problems.map((problem) => `- ${problem}`).join("\n")}`);
  }
}

/** Reads the database settings from the environment, once, where they enter the program. */
export function readDbEnv(env: NodeJS.ProcessEnv = process.env): DbEnv {
  const result = dbEnvSchema.safeParse(env);
  if (!result.success) {
    // Names the variable and what it must be, never the value (DATABASE_URL holds a password).
    throw new SettingsError(
      "Invalid database settings:",
      result.error.issues.map((issue) => `${issue.path.join(".")} ${issue.message}`),
    );
  }
  const parsed = result.data;
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
