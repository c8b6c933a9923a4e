import { clerkMembershipJson, clerkOrganizationJson, clerkUserJson } from "@repo/clerk/testing";
import { userSyncRowFromClerk } from "@repo/clerk/users";
import { findLiveMembers, findMembershipById } from "@repo/db/memberships";
import { findOrganizationById, markOrganizationDeleted, updateOrganizationProfile } from "@repo/db/organizations";
import { testDatabaseKinds, useTestDatabase } from "@repo/db/testing";
import { findUserById, markUserDeleted, upsertUsersFromClerk } from "@repo/db/users";
import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { createInngestClient } from "../../client.ts";
import { outcomeOfOnly, runFunction, silentLogger } from "../../testing/run-function.ts";
import { createTombstoneClerkMembershipFunction, createUpsertClerkMembershipFunction } from "./membership-functions.ts";

describe.each(testDatabaseKinds())("membership sync functions on %s", (kind) => {
  const t = useTestDatabase(kind);
  const inngest = createInngestClient({ isDev: true, logger: silentLogger() });
  let upsert: ReturnType<typeof createUpsertClerkMembershipFunction>;
  let tombstone: ReturnType<typeof createTombstoneClerkMembershipFunction>;

  beforeAll(() => {
    upsert = createUpsertClerkMembershipFunction(inngest, { db: t.db });
    tombstone = createTombstoneClerkMembershipFunction(inngest, { db: t.db });
  });

  const countRows = async () =>
    (
      await sql<{ n: number }>`
        select ((select count(*) from organizations) + (select count(*) from organization_memberships))::int as n`.execute(
        t.db,
      )
    ).rows[0]?.n;

  function fixture() {
    const organization = clerkOrganizationJson();
    const user = clerkUserJson();
    return { organization, user, membership: clerkMembershipJson(organization, user) };
  }

  it("organizationMembership.created before its organization and user: writes the membership and its organization", async () => {
    const { organization, user, membership } = fixture();
    const { result, error } = await runFunction(upsert, {
      name: "clerk/organizationMembership.created",
      data: membership,
    });
    expect(error).toBeUndefined();
    expect(outcomeOfOnly(result)).toEqual({ id: membership.id, outcome: "created" });
    expect(await findOrganizationById(t.db, organization.id)).toMatchObject({ name: organization.name });
    expect(await findLiveMembers(t.db, organization.id)).toEqual([
      expect.objectContaining({
        user_id: user.id,
        role: "org:member",
        identifier: membership.public_user_data.identifier,
      }),
    ]);
    expect(await findUserById(t.db, user.id)).toBeUndefined();
  });

  it("a membership's older organization never overwrites a newer one, nor its description", async () => {
    const { organization, membership } = fixture();
    const renamed = { ...organization, name: "Renamed", updated_at: organization.updated_at + 10 };
    await runFunction(upsert, {
      name: "clerk/organizationMembership.created",
      data: { ...membership, organization: renamed },
    });
    await updateOrganizationProfile(t.db, organization.id, { description: "Ours" });
    await runFunction(upsert, {
      name: "clerk/organizationMembership.updated",
      data: { ...membership, role: "org:admin", updated_at: membership.updated_at + 5 },
    });
    expect(await findOrganizationById(t.db, organization.id)).toMatchObject({ name: "Renamed", description: "Ours" });
    expect((await findMembershipById(t.db, membership.id))?.role).toBe("org:admin");
  });

  it("organizationMembership.updated older than the stored one changes nothing", async () => {
    const { membership } = fixture();
    const promoted = { ...membership, role: "org:admin", updated_at: membership.updated_at + 10 };
    await runFunction(upsert, { name: "clerk/organizationMembership.updated", data: promoted });
    const late = await runFunction(upsert, { name: "clerk/organizationMembership.created", data: membership });
    expect(outcomeOfOnly(late.result)).toMatchObject({ outcome: "unchanged" });
    expect((await findMembershipById(t.db, membership.id))?.role).toBe("org:admin");
  });

  it("organizationMembership.deleted with the same updated_at as the last update still ends the membership, and only it", async () => {
    const { organization, user, membership } = fixture();
    await upsertUsersFromClerk(t.db, [userSyncRowFromClerk(user)]);
    await runFunction(upsert, { name: "clerk/organizationMembership.created", data: membership });
    const userBefore = await findUserById(t.db, user.id);
    const organizationBefore = await findOrganizationById(t.db, organization.id);

    const deleted = await runFunction(tombstone, { name: "clerk/organizationMembership.deleted", data: membership });
    expect(outcomeOfOnly(deleted.result)).toEqual({ id: membership.id, outcome: "tombstoned" });
    expect(await findMembershipById(t.db, membership.id)).toMatchObject({ role: null, deleted_at: expect.any(Date) });
    expect(await findUserById(t.db, user.id)).toEqual(userBefore);
    expect(await findOrganizationById(t.db, organization.id)).toEqual(organizationBefore);
    // A late create or update does not bring it back.
    await runFunction(upsert, {
      name: "clerk/organizationMembership.updated",
      data: { ...membership, updated_at: membership.updated_at + 1 },
    });
    expect(await findLiveMembers(t.db, organization.id)).toEqual([]);
  });

  it("a membership event after its organization's or user's delete ends as a tombstone", async () => {
    const { organization, membership } = fixture();
    await markOrganizationDeleted(t.db, organization.id);
    const result = await runFunction(upsert, { name: "clerk/organizationMembership.created", data: membership });
    expect(outcomeOfOnly(result.result)).toMatchObject({ outcome: "ended" });
    expect(await findOrganizationById(t.db, organization.id)).toMatchObject({
      name: null,
      deleted_at: expect.any(Date),
    });

    const other = fixture();
    await markUserDeleted(t.db, other.user.id);
    const ended = await runFunction(upsert, { name: "clerk/organizationMembership.created", data: other.membership });
    expect(outcomeOfOnly(ended.result)).toMatchObject({ outcome: "ended" });
    expect(await findLiveMembers(t.db, other.organization.id)).toEqual([]);
  });

  it.each([
    ["missing id", { id: undefined }, /^id:/],
    ["missing updated_at", { updated_at: undefined }, /updated_at/],
    ["no organization", { organization: undefined }, /^organization:/],
    [
      "an organization with a NUL in its name",
      { organization: clerkOrganizationJson({ name: "A\u0000" }) },
      /organization\.name: contains a NUL/,
    ],
    ["a member without a user_id", { public_user_data: { identifier: "x@example.org" } }, /public_user_data\.user_id/],
    [
      "a lone surrogate in the member's name",
      { public_user_data: { user_id: "user_1", last_name: "\ud800" } },
      /public_user_data\.last_name: contains a lone/,
    ],
  ])("a payload with %s is skipped, naming the field, and writes nothing", async (_case, override, field) => {
    for (const [fn, name] of [
      [upsert, "clerk/organizationMembership.created"],
      [tombstone, "clerk/organizationMembership.deleted"],
    ] as const) {
      const { result, error } = await runFunction(fn, { name, data: { ...fixture().membership, ...override } });
      expect(error).toBeUndefined();
      expect(outcomeOfOnly(result)).toEqual({ outcome: "skipped", reason: expect.stringMatching(field) });
    }
    expect(await countRows()).toBe(0);
  });
});
