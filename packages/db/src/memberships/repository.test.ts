import { describe, expect, it } from "vitest";
import {
  findOrganizationById,
  markOrganizationDeleted,
  updateOrganizationProfile,
  upsertOrganizationsFromClerk,
} from "../organizations/repository.ts";
import { membershipSyncRow, organizationSyncRow, userSyncRow } from "../testing/sync-rows.ts";
import { testDatabaseKinds, truncateAll } from "../testing/test-databases.ts";
import { useTestDatabase } from "../testing/use-test-database.ts";
import { findUserById, markUserDeleted, updateUserProfile, upsertUsersFromClerk } from "../users/repository.ts";
import {
  findLiveMembers,
  findMembershipById,
  markMembershipDeleted,
  markMembershipsDeleted,
  upsertMembershipsFromClerk,
} from "./repository.ts";

/** `ms` milliseconds after `date`. */
const after = (date: Date, ms: number) => new Date(date.getTime() + ms);

describe.each(testDatabaseKinds())("memberships repository on %s", (kind) => {
  const t = useTestDatabase(kind);

  /** An organization and a user in our tables, and a membership of the one for the other (not written). */
  async function orgAndUser() {
    const org = organizationSyncRow();
    const user = userSyncRow();
    await upsertOrganizationsFromClerk(t.db, [org]);
    await upsertUsersFromClerk(t.db, [user]);
    return { org, user, membership: membershipSyncRow({ organization_id: org.id, user_id: user.id }) };
  }

  /** The live memberships of a pair, by id. */
  async function liveIdsOf(organizationId: string, userId: string) {
    const rows = await t.db
      .selectFrom("organization_memberships")
      .select("id")
      .where("organization_id", "=", organizationId)
      .where("user_id", "=", userId)
      .where("deleted_at", "is", null)
      .execute();
    return rows.map((row) => row.id);
  }

  it("stores a membership that arrives before its organization and its user", async () => {
    const membership = membershipSyncRow({ organization_id: "org_notYetSynced", user_id: "user_notYetSynced" });
    expect(await upsertMembershipsFromClerk(t.db, [membership])).toEqual([
      { id: membership.id, outcome: "created", live: true },
    ]);
    expect(await findMembershipById(t.db, membership.id)).toMatchObject({
      organization_id: "org_notYetSynced",
      user_id: "user_notYetSynced",
      role: "org:member",
      user_identifier: membership.user_identifier,
      clerk_updated_at: membership.clerk_updated_at,
      deleted_at: null,
    });
    expect(await findOrganizationById(t.db, "org_notYetSynced")).toBeUndefined();
  });

  it("applies a newer version and ignores an older or equal one", async () => {
    const { membership } = await orgAndUser();
    await upsertMembershipsFromClerk(t.db, [membership]);
    const promoted = { ...membership, role: "org:admin", clerk_updated_at: after(membership.clerk_updated_at, 10) };
    expect(await upsertMembershipsFromClerk(t.db, [promoted])).toEqual([
      { id: membership.id, outcome: "updated", live: true },
    ]);
    expect(await upsertMembershipsFromClerk(t.db, [membership])).toEqual([]);
    expect(await upsertMembershipsFromClerk(t.db, [{ ...promoted, role: "org:billing" }])).toEqual([]);
    expect((await findMembershipById(t.db, membership.id))?.role).toBe("org:admin");
  });

  it("tombstones on delete whatever the version, permanently, and erases nothing it does not own", async () => {
    const { org, user, membership } = await orgAndUser();
    await updateOrganizationProfile(t.db, org.id, { description: "Engines" });
    await updateUserProfile(t.db, user.id, { display_name: "Countess" });
    await upsertMembershipsFromClerk(t.db, [membership]);
    const organizationBefore = await findOrganizationById(t.db, org.id);
    const userBefore = await findUserById(t.db, user.id);

    expect(await markMembershipDeleted(t.db, membership)).toBe(true);
    expect(await markMembershipDeleted(t.db, membership)).toBe(false);
    const later = { ...membership, role: "org:admin", clerk_updated_at: after(membership.clerk_updated_at, 99) };
    expect(await upsertMembershipsFromClerk(t.db, [later])).toEqual([]);

    expect(await findMembershipById(t.db, membership.id)).toMatchObject({
      organization_id: org.id,
      user_id: user.id,
      role: null,
      user_identifier: null,
      user_first_name: null,
      user_last_name: null,
      user_image_url: null,
      clerk_created_at: null,
      clerk_updated_at: null,
      deleted_at: expect.any(Date),
    });
    expect(await findOrganizationById(t.db, org.id)).toEqual(organizationBefore);
    expect(await findUserById(t.db, user.id)).toEqual(userBefore);
  });

  it("leaves a tombstone for a delete that arrives before the create", async () => {
    const { membership } = await orgAndUser();
    expect(await markMembershipsDeleted(t.db, [membership, membership])).toEqual([membership.id]);
    expect(await upsertMembershipsFromClerk(t.db, [membership])).toEqual([]);
    expect(await findMembershipById(t.db, membership.id)).toMatchObject({ role: null, deleted_at: expect.any(Date) });
  });

  describe("a member removed and added again (a new membership id)", () => {
    async function oldAndNew() {
      const { org, user, membership: old } = await orgAndUser();
      const readded = membershipSyncRow({
        organization_id: org.id,
        user_id: user.id,
        role: "org:admin",
        clerk_created_at: after(old.clerk_created_at, 60_000),
        clerk_updated_at: after(old.clerk_created_at, 60_000),
      });
      return { org, user, old, readded };
    }

    it("the new membership's create before the old one's delete: the new one is live, the old one ends", async () => {
      const { org, user, old, readded } = await oldAndNew();
      await upsertMembershipsFromClerk(t.db, [old]);
      expect(await upsertMembershipsFromClerk(t.db, [readded])).toEqual([
        { id: readded.id, outcome: "created", live: true },
      ]);
      expect(await liveIdsOf(org.id, user.id)).toEqual([readded.id]);
      expect(await findMembershipById(t.db, old.id)).toMatchObject({ role: null, deleted_at: expect.any(Date) });
      // The old one's delete, arriving last, changes nothing more.
      expect(await markMembershipDeleted(t.db, old)).toBe(false);
      expect(await liveIdsOf(org.id, user.id)).toEqual([readded.id]);
    });

    it("the old membership's late update after the new one: written as a tombstone, the new one stays live", async () => {
      const { org, user, old, readded } = await oldAndNew();
      await upsertMembershipsFromClerk(t.db, [readded]);
      const lateUpdate = { ...old, role: "org:admin", clerk_updated_at: after(old.clerk_updated_at, 5) };
      expect(await upsertMembershipsFromClerk(t.db, [lateUpdate])).toEqual([
        { id: old.id, outcome: "created", live: false },
      ]);
      expect(await upsertMembershipsFromClerk(t.db, [old])).toEqual([]);
      expect(await liveIdsOf(org.id, user.id)).toEqual([readded.id]);
      expect(await findMembershipById(t.db, old.id)).toMatchObject({ role: null, deleted_at: expect.any(Date) });
    });

    it("both in one batch, in either order: the newer one is live", async () => {
      const { org, user, old, readded } = await oldAndNew();
      await upsertMembershipsFromClerk(t.db, [readded, old]);
      expect(await liveIdsOf(org.id, user.id)).toEqual([readded.id]);
      await truncateAll(t.db);
      const again = await oldAndNew();
      await upsertMembershipsFromClerk(t.db, [again.old, again.readded]);
      expect(await liveIdsOf(again.org.id, again.user.id)).toEqual([again.readded.id]);
    });
  });

  it("writes a membership of a deleted organization as a tombstone, and leaves the organization's tombstone as it is", async () => {
    const { org, membership } = await orgAndUser();
    await markOrganizationDeleted(t.db, org.id);
    const tombstone = await findOrganizationById(t.db, org.id);
    expect(await upsertMembershipsFromClerk(t.db, [membership])).toEqual([
      { id: membership.id, outcome: "created", live: false },
    ]);
    expect(await findMembershipById(t.db, membership.id)).toMatchObject({ role: null, deleted_at: expect.any(Date) });
    expect(await findOrganizationById(t.db, org.id)).toEqual(tombstone);
  });

  it("tombstones a deleted user's memberships in every organization, and no organization", async () => {
    const { org, user, membership } = await orgAndUser();
    const other = organizationSyncRow();
    const elsewhere = membershipSyncRow({ organization_id: other.id, user_id: user.id });
    const colleague = membershipSyncRow({ organization_id: org.id, user_id: "user_colleague" });
    await upsertMembershipsFromClerk(t.db, [membership, elsewhere, colleague]);

    expect(await markUserDeleted(t.db, user.id)).toBe(true);

    for (const id of [membership.id, elsewhere.id]) {
      expect(await findMembershipById(t.db, id)).toMatchObject({
        user_id: user.id,
        role: null,
        deleted_at: expect.any(Date),
      });
    }
    expect((await findLiveMembers(t.db, org.id)).map((m) => m.membership_id)).toEqual([colleague.id]);
    expect(await findOrganizationById(t.db, org.id)).toMatchObject({ name: org.name, deleted_at: null });
    // A membership of the deleted user arriving afterwards is written as a tombstone.
    const late = membershipSyncRow({ organization_id: other.id, user_id: user.id, id: "orgmem_lateForDeletedUser" });
    expect(await upsertMembershipsFromClerk(t.db, [late])).toEqual([{ id: late.id, outcome: "created", live: false }]);
  });

  it("lists live members joined to users where we have the user, and Clerk's public_user_data where not", async () => {
    const { org, user, membership } = await orgAndUser();
    await updateUserProfile(t.db, user.id, { display_name: "Countess" });
    const admin = { ...membership, role: "org:admin", user_first_name: "Stale", user_image_url: "https://stale" };
    const notSynced = membershipSyncRow({
      organization_id: org.id,
      user_id: "user_notSyncedYet",
      user_identifier: "grace@example.org",
      user_first_name: "Grace",
      user_last_name: "Hopper",
    });
    const ended = membershipSyncRow({ organization_id: org.id, user_id: "user_gone" });
    await upsertMembershipsFromClerk(t.db, [admin, notSynced, ended]);
    await markMembershipDeleted(t.db, ended);

    expect(await findLiveMembers(t.db, org.id)).toEqual([
      {
        membership_id: admin.id,
        user_id: user.id,
        role: "org:admin",
        first_name: "Ada",
        last_name: "Lovelace",
        image_url: user.image_url,
        display_name: "Countess",
        email: user.email,
        identifier: admin.user_identifier,
        joined_at: admin.clerk_created_at,
      },
      {
        membership_id: notSynced.id,
        user_id: "user_notSyncedYet",
        role: "org:member",
        first_name: "Grace",
        last_name: "Hopper",
        image_url: notSynced.user_image_url,
        display_name: null,
        email: null,
        identifier: "grace@example.org",
        joined_at: notSynced.clerk_created_at,
      },
    ]);
    expect(await findLiveMembers(t.db, "org_unknown")).toEqual([]);
  });
});

describe.runIf(testDatabaseKinds().includes("postgres"))("memberships under concurrent writers on postgres", () => {
  const t = useTestDatabase("postgres");

  it("a user deleted while their membership is written never keeps a live membership", async () => {
    for (let round = 0; round < 30; round++) {
      const user = userSyncRow();
      await upsertUsersFromClerk(t.db, [user]);
      const memberships = Array.from({ length: 4 }, (_, n) =>
        membershipSyncRow({ organization_id: `org_race_${round}_${n}`, user_id: user.id }),
      );
      await Promise.all([
        ...memberships.map((membership) => upsertMembershipsFromClerk(t.db, [membership])),
        markUserDeleted(t.db, user.id),
      ]);
      const live = await t.db
        .selectFrom("organization_memberships")
        .select("id")
        .where("user_id", "=", user.id)
        .where("deleted_at", "is", null)
        .execute();
      expect(live, `round ${round}`).toEqual([]);
    }
  });

  it("two memberships of one pair written at once never trip the unique index, and the newer one is live", async () => {
    for (let round = 0; round < 30; round++) {
      const pair = { organization_id: `org_pair_${round}`, user_id: `user_pair_${round}` };
      const old = membershipSyncRow(pair);
      const readded = membershipSyncRow({ ...pair, clerk_created_at: after(old.clerk_created_at, 1000) });
      await Promise.all([upsertMembershipsFromClerk(t.db, [old]), upsertMembershipsFromClerk(t.db, [readded])]);
      const live = await t.db
        .selectFrom("organization_memberships")
        .select("id")
        .where("organization_id", "=", pair.organization_id)
        .where("deleted_at", "is", null)
        .execute();
      expect(live.map((row) => row.id)).toEqual([readded.id]);
    }
  });
});
