import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { Kysely, PGliteDialect, PostgresDialect, sql } from "kysely";
import pg from "pg";
import type { Database } from "./schema.ts";

export type DbConfig =
  /** Production: a Postgres server. */
  | { kind: "postgres"; databaseUrl: string; maxConnections?: number }
  /** Development: embedded PGlite persisted in `dataDir`. */
  | { kind: "pglite"; dataDir: string }
  /** Tests: embedded PGlite that lives only in this process's memory. */
  | { kind: "pglite-memory" };

export type Db = Kysely<Database>;

/** Picks Postgres when a DATABASE_URL is given, embedded PGlite otherwise. */
export function dbConfigFromEnv(env: { databaseUrl: string | undefined; pgliteDataDir: string }): DbConfig {
  return env.databaseUrl
    ? { kind: "postgres", databaseUrl: env.databaseUrl }
    : { kind: "pglite", dataDir: env.pgliteDataDir };
}

/**
 * Opens the database and checks that it answers, so a wrong URL fails at start-up with a message that
 * names the server, instead of on the first request.
 */
export async function createDb(config: DbConfig): Promise<Db> {
  const db = new Kysely<Database>({ dialect: createDialect(config) });
  try {
    await sql`select 1`.execute(db);
  } catch (error) {
    await db.destroy().catch(() => {});
    throw new Error(`Cannot reach the database at ${describeDb(config)}: ${errorMessage(error)}`, {
      cause: error,
    });
  }
  return db;
}

function createDialect(config: DbConfig) {
  switch (config.kind) {
    case "postgres":
      return new PostgresDialect({
        pool: new pg.Pool({
          connectionString: parsePostgresUrl(config.databaseUrl).toString(),
          max: config.maxConnections ?? 10,
        }),
      });
    case "pglite":
      mkdirSync(config.dataDir, { recursive: true });
      return new PGliteDialect({ pglite: () => new PGlite(config.dataDir) });
    case "pglite-memory":
      return new PGliteDialect({ pglite: () => new PGlite() });
  }
}

/** Validates a connection string up front: pg's own error for a typo is "Invalid URL" with no hint. */
export function parsePostgresUrl(databaseUrl: string): URL {
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    throw new Error(
      "DATABASE_URL is not a valid URL: expected postgres://USER:PASSWORD@HOST:5432/DATABASE, or leave it unset to use the embedded database",
    );
  }
  if (url.protocol !== "postgres:" && url.protocol !== "postgresql:") {
    throw new Error(`DATABASE_URL must start with postgres:// or postgresql://, not ${url.protocol}//`);
  }
  if (!url.hostname) throw new Error("DATABASE_URL has no host name");
  return url;
}

/** Where the database is, for messages: host, port and database name, never the password. */
export function describeDb(config: DbConfig): string {
  if (config.kind === "pglite") return `embedded PGlite (${config.dataDir})`;
  if (config.kind === "pglite-memory") return "in-memory PGlite";
  const url = parsePostgresUrl(config.databaseUrl);
  return `postgres ${url.hostname}:${url.port || "5432"}${url.pathname}`;
}

function errorMessage(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return errorMessage(error.errors[0]);
  if (error instanceof Error) return error.message || (error as NodeJS.ErrnoException).code || error.name;
  return String(error);
}
