import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { createDb, type Db } from "../client.ts";
import { findPendingMigrations, migrateToLatest } from "../migrate.ts";
import { migrations } from "../migrations/index.ts";
import { upsertUsersFromClerk } from "../users/repository.ts";
import { openPgliteFromTemplate, pgliteTemplatePath } from "./pglite-template.ts";
import { userSyncRow } from "./sync-rows.ts";
import { countUsers, openTestDatabase } from "./test-databases.ts";

// PGlite test databases start from a dumped template (pglite-template.ts): these prove that what a suite
// gets is what a fresh boot would give, that no two databases share the template's memory, and that a
// template PGlite cannot start from is named and replaced rather than failing every run.
describe("PGlite test databases", () => {
  it("open migrated to the latest migration", async () => {
    const t = await openTestDatabase("pglite");
    try {
      expect(await findPendingMigrations(t.db)).toEqual([]);
      expect(await countUsers(t.db)).toBe(0);
    } finally {
      await t.close();
    }
  });

  it("open unmigrated with migrate: false, every migration still pending", async () => {
    const t = await openTestDatabase("pglite", { migrate: false });
    try {
      expect(await findPendingMigrations(t.db)).toEqual(Object.keys(migrations).sort());
    } finally {
      await t.close();
    }
  });

  it("have the schema a fresh boot and migration give, not one a stale or planted template holds", async () => {
    const fromTemplate = await openTestDatabase("pglite");
    const fresh = await createDb({ kind: "pglite-memory" });
    try {
      await migrateToLatest(fresh);
      const expected = await describeSchema(fresh);
      expect(expected).toContainEqual(expect.stringMatching(/^users\.id /));
      expect(await describeSchema(fromTemplate.db)).toEqual(expected);
    } finally {
      await Promise.all([fromTemplate.close(), fresh.destroy()]);
    }
  });

  it("never see each other's rows", async () => {
    const first = await openTestDatabase("pglite");
    const second = await openTestDatabase("pglite");
    try {
      await upsertUsersFromClerk(first.db, [userSyncRow({ id: "user_only_in_first" })]);
      expect(await countUsers(first.db)).toBe(1);
      expect(await countUsers(second.db)).toBe(0);
      const third = await openTestDatabase("pglite");
      try {
        expect(await countUsers(third.db)).toBe(0);
      } finally {
        await third.close();
      }
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  });

  it("remove a template PGlite cannot start from, name it in the error, and build a good one next time", async () => {
    const folder = await mkdtemp(join(tmpdir(), "pglite-template-test-"));
    try {
      // A template cut short, as a full disk or a damaged file leaves one (a writer killed mid-write
      // leaves only a .partial file: templates are renamed into place).
      const good = await openTestDatabase("pglite", { migrate: false });
      await good.close();
      const goodTemplate = await readFile(pgliteTemplatePath({ migrated: false }));
      const options = { migrated: false, folder };
      const path = pgliteTemplatePath(options);
      await writeFile(path, goodTemplate.subarray(0, 1024 * 1024));

      await expect(openPgliteFromTemplate(options)).rejects.toThrow(
        `PGlite could not start from the test template ${path} (removed: the next run builds it again)`,
      );
      expect(await readdir(folder)).toEqual([]);

      const db = await openPgliteFromTemplate(options);
      try {
        expect(await findPendingMigrations(db)).toEqual(Object.keys(migrations).sort());
      } finally {
        await db.destroy();
      }
      expect(await readdir(folder)).toEqual([basename(path)]);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});

/** Every column, index, constraint, trigger and function of the public schema, one sortable line each. */
async function describeSchema(db: Db): Promise<string[]> {
  const { rows } = await sql<{ item: string }>`
    select format('%s.%s %s %s %s', table_name, column_name, data_type, is_nullable, column_default) as item
      from information_schema.columns where table_schema = 'public'
    union all select indexdef from pg_indexes where schemaname = 'public'
    union all select conrelid::regclass || ' ' || pg_get_constraintdef(oid) from pg_constraint
      where connamespace = 'public'::regnamespace
    union all select tgrelid::regclass || ' ' || tgname from pg_trigger where not tgisinternal
    union all select 'function ' || proname from pg_proc where pronamespace = 'public'::regnamespace
    order by 1`.execute(db);
  return rows.map((row) => row.item);
}
