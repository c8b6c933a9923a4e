import { describe, expect, it } from "vitest";
import { findLiveMembers, findMembershipById, upsertMembershipsFromClerk } from "../memberships/repository.ts";
import { membershipSyncRow, organizationSyncRow, userSyncRow } from "../testing/sync-rows.ts";
import { testDatabaseKinds } from "../testing/test-databases.ts";
import { useTestDatabase } from "../testing/use-test-database.ts";
import { findUserById, upsertUsersFromClerk } from "../users/repository.ts";
import {
  findOrganizationById,
  markOrganizationDeleted,
  markOrganizationsDeleted,
  updateOrganizationProfile,
  upsertOrganizationsFromClerk,
} from "./repository.ts";

/** `ms` milliseconds after `date`. */
const after = (date: Date, ms: number) => new Date(date.getTime() + ms);

describe.each(testDatabaseKinds())("organizations repository on %s", (kind) => {
  const t = useTestDatabase(kind);

  it("creates an organization from Clerk and reads it back", async () => {
    const org = organizationSyncRow();
    expect(await upsertOrganizationsFromClerk(t.db, [org])).toEqual([{ id: org.id, outcome: "created" }]);
    const row = await findOrganizationById(t.db, org.id);
    expect(row).toMatchObject({
      id: org.id,
      name: org.name,
      slug: org.slug,
      image_url: org.image_url,
      public_metadata: { tier: "team" },
      clerk_created_at: org.clerk_created_at,
      clerk_updated_at: org.clerk_updated_at,
      deleted_at: null,
      description: null,
    });
    expect(row?.synced_at).toBeInstanceOf(Date);
  });

  it("applies a newer version and ignores an older or equal one", async () => {
    const org = organizationSyncRow();
    await upsertOrganizationsFromClerk(t.db, [org]);
    const newer = { ...org, name: "Difference Engines", slug: null, clerk_updated_at: after(org.clerk_updated_at, 10) };
    expect(await upsertOrganizationsFromClerk(t.db, [newer])).toEqual([{ id: org.id, outcome: "updated" }]);
    expect(await upsertOrganizationsFromClerk(t.db, [org])).toEqual([]);
    expect(await upsertOrganizationsFromClerk(t.db, [{ ...newer, name: "Same version" }])).toEqual([]);
    expect(await findOrganizationById(t.db, org.id)).toMatchObject({ name: "Difference Engines", slug: null });
  });

  it("upserts a batch with duplicates of one organization in one statement, keeping the newest", async () => {
    const a = organizationSyncRow();
    const b = organizationSyncRow();
    const outcomes = await upsertOrganizationsFromClerk(t.db, [
      { ...a, name: "Newest", clerk_updated_at: after(a.clerk_updated_at, 1) },
      a,
      b,
    ]);
    expect(outcomes).toHaveLength(2);
    expect((await findOrganizationById(t.db, a.id))?.name).toBe("Newest");
  });

  it("never overwrites the app-owned description", async () => {
    const org = organizationSyncRow();
    await upsertOrganizationsFromClerk(t.db, [org]);
    expect(await updateOrganizationProfile(t.db, org.id, { description: "We build engines" })).toMatchObject({
      description: "We build engines",
    });
    await upsertOrganizationsFromClerk(t.db, [
      { ...org, name: "Renamed", clerk_updated_at: after(org.clerk_updated_at, 1) },
    ]);
    expect(await findOrganizationById(t.db, org.id)).toMatchObject({
      name: "Renamed",
      description: "We build engines",
    });
  });

  it("updates the description of a live organization only", async () => {
    const org = organizationSyncRow();
    await upsertOrganizationsFromClerk(t.db, [org]);
    expect(await updateOrganizationProfile(t.db, org.id, {})).toMatchObject({ description: null });
    expect(await updateOrganizationProfile(t.db, "org_unknown", { description: "x" })).toBeUndefined();
    await markOrganizationDeleted(t.db, org.id);
    expect(await updateOrganizationProfile(t.db, org.id, { description: "back?" })).toBeUndefined();
  });

  it("tombstones on delete: erases name, slug, image, metadata and description, keeps the id, and stays deleted", async () => {
    const org = organizationSyncRow();
    await upsertOrganizationsFromClerk(t.db, [org]);
    await updateOrganizationProfile(t.db, org.id, { description: "We build engines" });
    expect(await markOrganizationDeleted(t.db, org.id)).toBe(true);
    expect(await markOrganizationDeleted(t.db, org.id)).toBe(false);
    expect(
      await upsertOrganizationsFromClerk(t.db, [{ ...org, clerk_updated_at: after(org.clerk_updated_at, 99) }]),
    ).toEqual([]);
    const row = await findOrganizationById(t.db, org.id);
    expect(row).toMatchObject({
      id: org.id,
      name: null,
      slug: null,
      image_url: null,
      public_metadata: {},
      description: null,
      clerk_created_at: null,
      clerk_updated_at: null,
    });
    expect(row?.deleted_at).toBeInstanceOf(Date);
  });

  it("leaves a tombstone for a delete that arrives before the create", async () => {
    const org = organizationSyncRow();
    expect(await markOrganizationsDeleted(t.db, [org.id, org.id])).toEqual([org.id]);
    expect(await upsertOrganizationsFromClerk(t.db, [org])).toEqual([]);
    expect(await findOrganizationById(t.db, org.id)).toMatchObject({ name: null, deleted_at: expect.any(Date) });
  });

  it("tombstones the organization's memberships with it, and nothing of other organizations or of the users", async () => {
    const [org, other] = [organizationSyncRow(), organizationSyncRow()];
    const user = userSyncRow();
    await upsertOrganizationsFromClerk(t.db, [org, other]);
    await upsertUsersFromClerk(t.db, [user]);
    const member = membershipSyncRow({ organization_id: org.id, user_id: user.id, role: "org:admin" });
    const elsewhere = membershipSyncRow({ organization_id: other.id, user_id: user.id });
    await upsertMembershipsFromClerk(t.db, [member, elsewhere]);

    await markOrganizationDeleted(t.db, org.id);

    expect(await findMembershipById(t.db, member.id)).toMatchObject({
      organization_id: org.id,
      user_id: user.id,
      role: null,
      user_identifier: null,
      deleted_at: expect.any(Date),
    });
    expect(await findLiveMembers(t.db, org.id)).toEqual([]);
    expect((await findLiveMembers(t.db, other.id)).map((m) => m.membership_id)).toEqual([elsewhere.id]);
    expect(await findUserById(t.db, user.id)).toMatchObject({ email: user.email, deleted_at: null });
    expect(await findOrganizationById(t.db, other.id)).toMatchObject({ name: other.name, deleted_at: null });
  });
});
