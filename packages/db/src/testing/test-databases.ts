import { randomBytes } from "node:crypto";
import { sql } from "kysely";
import pg from "pg";
import { createDb, type Db } from "../client.ts";
import { readDbEnv } from "../env.ts";
import { migrateToLatest } from "../migrate.ts";
import { openPgliteFromTemplate } from "./pglite-template.ts";

export type TestDatabaseKind = "pglite" | "postgres";

export type TestDatabase = {
  kind: TestDatabaseKind;
  db: Db;
  /** Connection string of the throwaway Postgres database (undefined for PGlite). */
  databaseUrl: string | undefined;
  close(): Promise<void>;
};

/**
 * The databases every database-backed suite runs against: always PGlite, and Postgres too when
 * DATABASE_URL is set, so one suite proves both. TEST_DATABASES (e.g. `postgres`) narrows that list:
 * .ci/run runs the suites once on Postgres and once without DATABASE_URL, so neither pass repeats the
 * other's PGlite runs.
 */
export function testDatabaseKinds(): TestDatabaseKind[] {
  const available: TestDatabaseKind[] = readDbEnv().databaseUrl ? ["pglite", "postgres"] : ["pglite"];
  // A test-run setting, not the app's: read here, where the test suites ask for it.
  const chosen = (process.env.TEST_DATABASES ?? "")
    .split(",")
    .map((name) => name.trim())
    .filter(Boolean);
  if (chosen.length === 0) return available;
  const unknown = chosen.filter((name) => !(available as string[]).includes(name));
  if (unknown.length > 0)
    throw new Error(
      `TEST_DATABASES names ${unknown.join(", ")}, but only ${available.join(" and ")} can run here (postgres needs DATABASE_URL)`,
    );
  return available.filter((kind) => chosen.includes(kind));
}

/**
 * A fresh, migrated database of the given kind (unmigrated with `migrate: false`, as a deployment that
 * skipped `pnpm db:migrate` has). Postgres tests get a throwaway database of their own, dropped on close,
 * so parallel test files and repeated runs never see each other's rows.
 */
export async function openTestDatabase(
  kind: TestDatabaseKind,
  options: { migrate?: boolean } = {},
): Promise<TestDatabase> {
  const migrate = options.migrate ?? true;
  if (kind === "pglite") {
    const db = await openPgliteFromTemplate({ migrated: migrate });
    return { kind, db, databaseUrl: undefined, close: () => db.destroy() };
  }
  const serverUrl = readDbEnv().databaseUrl;
  if (!serverUrl)
    throw new Error("Postgres tests need DATABASE_URL (for example postgres://postgres@127.0.0.1:5432/test)");
  const name = `test_${randomBytes(6).toString("hex")}`;
  await runAdminStatement(serverUrl, `create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const db = await createDb({ kind: "postgres", databaseUrl: url.toString(), maxConnections: 20 });
  if (migrate) await migrateToLatest(db);
  return {
    kind,
    db,
    databaseUrl: url.toString(),
    close: async () => {
      await db.destroy();
      await runAdminStatement(serverUrl, `drop database if exists ${name} with (force)`);
    },
  };
}

/** Empties the tables between tests, keeping the schema. */
export async function truncateAll(db: Db): Promise<void> {
  await sql`truncate table users, reconciliation_runs, organizations, organization_memberships, email_sends, email_preferences, sync_activity restart identity`.execute(
    db,
  );
}

async function runAdminStatement(serverUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

export async function countUsers(db: Db): Promise<number> {
  const result = await sql<{ n: number }>`select count(*)::int as n from users`.execute(db);
  return result.rows[0]?.n ?? 0;
}
