import { describe, expect, it } from "vitest";
import { findPendingMigrations } from "../migrate.ts";
import { migrations } from "../migrations/index.ts";
import { upsertUsersFromClerk } from "../users/repository.ts";
import { userSyncRow } from "./sync-rows.ts";
import { countUsers, openTestDatabase } from "./test-databases.ts";

// PGlite test databases start from a dumped template (pglite-template.ts): these prove that what a suite
// gets is what a fresh boot would give, and that no two databases share the template's memory.
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
});
