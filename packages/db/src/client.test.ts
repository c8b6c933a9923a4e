import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { createDb, parsePostgresUrl } from "./client.ts";
import { migrateToLatest } from "./migrate.ts";
import { migrations } from "./migrations/index.ts";
import { openTestDatabase, testDatabaseKinds } from "./testing/test-databases.ts";

describe("createDb", () => {
  it("rejects a malformed DATABASE_URL with a hint and without echoing it", () => {
    expect(() => parsePostgresUrl("postgres//user:s3cret@db")).toThrow(/DATABASE_URL is not a valid URL/);
    expect(() => parsePostgresUrl("postgres//user:s3cret@db")).not.toThrow(/s3cret/);
    expect(() => parsePostgresUrl("mysql://user:s3cret@db/app")).toThrow(/must start with postgres:\/\//);
  });

  it("names host and port, never the password, when the server is unreachable", async () => {
    const attempt = createDb({ kind: "postgres", databaseUrl: "postgres://app:s3cret@127.0.0.1:1/app" });
    await expect(attempt).rejects.toThrow(/Cannot reach the database at postgres 127\.0\.0\.1:1\/app: .*ECONNREFUSED/);
    await expect(attempt).rejects.not.toThrow(/s3cret/);
  });
});

describe.each(testDatabaseKinds())("migrations on %s", (kind) => {
  it("apply once; a second run is a no-op", async () => {
    const t = await openTestDatabase(kind);
    try {
      expect(await migrateToLatest(t.db)).toEqual({ applied: [] });
      const tables = await sql<{ table_name: string }>`
        select table_name from information_schema.tables where table_schema = 'public' order by table_name`.execute(
        t.db,
      );
      expect(tables.rows.map((r) => r.table_name)).toEqual(
        expect.arrayContaining(["kysely_migration", "reconciliation_runs", "users"]),
      );
    } finally {
      await t.close();
    }
  });
});

describe.runIf(testDatabaseKinds().includes("postgres"))("migrations on a fresh Postgres database", () => {
  it("are safe to run from several processes at once", async () => {
    const t = await openTestDatabase("postgres");
    try {
      await sql`drop table users, reconciliation_runs, kysely_migration, kysely_migration_lock`.execute(t.db);
      const url = t.databaseUrl as string;
      const handles = await Promise.all([1, 2, 3].map(() => createDb({ kind: "postgres", databaseUrl: url })));
      const outcomes = await Promise.all(handles.map((db) => migrateToLatest(db)));
      await Promise.all(handles.map((db) => db.destroy()));
      expect(outcomes.map((o) => o.applied.length).sort()).toEqual([0, 0, Object.keys(migrations).length]);
    } finally {
      await t.close();
    }
  });
});
