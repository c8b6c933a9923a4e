import { describe, expect, it } from "vitest";
import { userSyncRow } from "../testing/sync-rows.ts";
import { testDatabaseKinds } from "../testing/test-databases.ts";
import { useTestDatabase } from "../testing/use-test-database.ts";
import { findUserById, markUserDeleted, updateUserProfile, upsertUsersFromClerk } from "./repository.ts";

/** `ms` milliseconds after `date`. */
const after = (date: Date, ms: number) => new Date(date.getTime() + ms);

describe.each(testDatabaseKinds())("users repository on %s", (kind) => {
  const t = useTestDatabase(kind);

  it("creates a user from Clerk and reads it back", async () => {
    const user = userSyncRow();
    expect(await upsertUsersFromClerk(t.db, [user])).toEqual([{ id: user.id, outcome: "created" }]);
    const row = await findUserById(t.db, user.id);
    expect(row).toMatchObject({
      id: user.id,
      email: user.email,
      first_name: "Ada",
      public_metadata: { plan: "free" },
      deleted_at: null,
      display_name: null,
    });
    expect(row?.clerk_updated_at).toEqual(user.clerk_updated_at);
    expect(row?.synced_at).toBeInstanceOf(Date);
  });

  it("applies a newer version and ignores an older or equal one", async () => {
    const user = userSyncRow();
    await upsertUsersFromClerk(t.db, [user]);
    const newer = { ...user, first_name: "Grace", clerk_updated_at: after(user.clerk_updated_at, 10) };
    expect(await upsertUsersFromClerk(t.db, [newer])).toEqual([{ id: user.id, outcome: "updated" }]);
    expect(await upsertUsersFromClerk(t.db, [user])).toEqual([]);
    expect(await upsertUsersFromClerk(t.db, [newer])).toEqual([]);
    expect((await findUserById(t.db, user.id))?.first_name).toBe("Grace");
  });

  it("never overwrites the app-owned profile fields", async () => {
    const user = userSyncRow();
    await upsertUsersFromClerk(t.db, [user]);
    await updateUserProfile(t.db, user.id, { display_name: "Countess", bio: "Analyst" });
    await upsertUsersFromClerk(t.db, [{ ...user, clerk_updated_at: after(user.clerk_updated_at, 1) }]);
    expect(await findUserById(t.db, user.id)).toMatchObject({ display_name: "Countess", bio: "Analyst" });
  });

  it("tombstones on delete: erases personal data, keeps the id, and stays deleted", async () => {
    const user = userSyncRow();
    await upsertUsersFromClerk(t.db, [user]);
    await updateUserProfile(t.db, user.id, { display_name: "Countess" });
    expect(await markUserDeleted(t.db, user.id)).toBe(true);
    expect(await markUserDeleted(t.db, user.id)).toBe(false);
    await upsertUsersFromClerk(t.db, [{ ...user, clerk_updated_at: after(user.clerk_updated_at, 99) }]);
    const row = await findUserById(t.db, user.id);
    expect(row).toMatchObject({
      id: user.id,
      email: null,
      first_name: null,
      username: null,
      display_name: null,
      public_metadata: {},
    });
    expect(row?.deleted_at).toBeInstanceOf(Date);
    expect(await updateUserProfile(t.db, user.id, { bio: "back?" })).toBeUndefined();
  });

  it("leaves a tombstone for a delete that arrives before the create", async () => {
    const user = userSyncRow();
    await markUserDeleted(t.db, user.id);
    expect(await upsertUsersFromClerk(t.db, [user])).toEqual([]);
    expect((await findUserById(t.db, user.id))?.email).toBeNull();
  });

  it("upserts a batch with duplicates of one user in one statement", async () => {
    const a = userSyncRow();
    const b = userSyncRow();
    const outcomes = await upsertUsersFromClerk(t.db, [
      a,
      { ...a, first_name: "Newest", clerk_updated_at: after(a.clerk_updated_at, 1) },
      b,
    ]);
    expect(outcomes).toHaveLength(2);
    expect((await findUserById(t.db, a.id))?.first_name).toBe("Newest");
  });

  it("updates only the fields given", async () => {
    const user = userSyncRow();
    await upsertUsersFromClerk(t.db, [user]);
    await updateUserProfile(t.db, user.id, { display_name: "A", bio: "B" });
    expect(await updateUserProfile(t.db, user.id, { bio: null })).toMatchObject({ display_name: "A", bio: null });
    expect(await updateUserProfile(t.db, "user_unknown", { bio: "x" })).toBeUndefined();
  });
});
