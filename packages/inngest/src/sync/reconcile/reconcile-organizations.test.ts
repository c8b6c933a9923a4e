import { createClerkClient } from "@clerk/backend";
import type { ClerkMembershipJson } from "@repo/clerk/memberships";
import { membershipSyncRowFromClerk } from "@repo/clerk/memberships";
import type { ClerkOrganizationJson } from "@repo/clerk/organizations";
import { organizationSyncRowFromClerk } from "@repo/clerk/organizations";
import { clerkMembershipJson, clerkOrganizationJson, clerkUserJson, useClerkApiStub } from "@repo/clerk/testing";
import { findMembershipById, upsertMembershipsFromClerk } from "@repo/db/memberships";
import { findOrganizationById, upsertOrganizationsFromClerk } from "@repo/db/organizations";
import { findLatestReconciliationRun } from "@repo/db/reconciliation-runs";
import { testDatabaseKinds, useTestDatabase } from "@repo/db/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { runReconciliation } from "./run-reconciliation.ts";

describe.each(testDatabaseKinds())("reconciliation of organizations and memberships on %s", (kind) => {
  const t = useTestDatabase(kind);
  const stub = useClerkApiStub({ organizations: true });
  let clerk: ReturnType<typeof createClerkClient>;

  beforeAll(() => {
    clerk = createClerkClient({ secretKey: "sk_test_offline", apiUrl: stub.url });
  });

  /** An organization in Clerk with `members` memberships. */
  function seedOrganization(members: number) {
    const organization = clerkOrganizationJson();
    stub.organizations.set(organization.id, organization);
    const memberships = Array.from({ length: members }, () => seedMembership(organization));
    return { organization, memberships };
  }

  function seedMembership(organization: ClerkOrganizationJson) {
    const membership = clerkMembershipJson(organization, clerkUserJson());
    stub.memberships.set(membership.id, membership);
    return membership;
  }

  /** Stored by a webhook earlier: what the app has, whether or not Clerk still has it. */
  async function storeOrganization(organization: ClerkOrganizationJson) {
    await upsertOrganizationsFromClerk(t.db, [organizationSyncRowFromClerk(organization)]);
  }
  async function storeMembership(membership: ClerkMembershipJson) {
    await upsertMembershipsFromClerk(t.db, [membershipSyncRowFromClerk(membership)]);
  }

  /** Both tables say exactly what the stub says, object for object. */
  async function expectDatabaseEqualsClerk() {
    const organizations = await t.db
      .selectFrom("organizations")
      .select(["id", "name", "clerk_updated_at"])
      .where("deleted_at", "is", null)
      .execute();
    expect(organizations.length).toBe(stub.organizations.size);
    for (const row of organizations) {
      const organization = stub.organizations.get(row.id);
      expect(organization, `${row.id} is not in Clerk`).toBeDefined();
      expect([row.name, row.clerk_updated_at?.getTime()]).toEqual([organization?.name, organization?.updated_at]);
    }
    const memberships = await t.db
      .selectFrom("organization_memberships")
      .select(["id", "organization_id", "user_id", "role", "clerk_updated_at"])
      .where("deleted_at", "is", null)
      .execute();
    expect(memberships.length).toBe(stub.memberships.size);
    for (const row of memberships) {
      const membership = stub.memberships.get(row.id);
      expect(membership, `${row.id} is not in Clerk`).toBeDefined();
      expect([row.organization_id, row.user_id, row.role, row.clerk_updated_at?.getTime()]).toEqual([
        membership?.organization.id,
        membership?.public_user_data.user_id,
        membership?.role,
        membership?.updated_at,
      ]);
    }
  }

  const isDeleted = async (found: Promise<{ deleted_at: Date | null } | undefined>) =>
    (await found)?.deleted_at instanceof Date;

  const run = (options: Partial<Parameters<typeof runReconciliation>[1]> = {}) =>
    runReconciliation({ db: t.db, clerk }, { trigger: "test", sleep: async () => {}, ...options });

  it.each([
    { organizations: 0, membersOfFirst: 0 },
    { organizations: 1, membersOfFirst: 500 },
    { organizations: 500, membersOfFirst: 1 },
    { organizations: 501, membersOfFirst: 1001 },
  ])(
    "with $organizations organizations, the first with $membersOfFirst members (page-size edges), ends equal, and a rerun changes nothing",
    async ({ organizations, membersOfFirst }) => {
      for (let i = 0; i < organizations; i++) seedOrganization(i === 0 ? membersOfFirst : 1);
      const memberships = stub.memberships.size;
      const first = await run();
      expect(first.organizationCounts).toEqual({
        listed: organizations,
        created: organizations,
        updated: 0,
        unchanged: 0,
        tombstoned: 0,
      });
      expect(first.membershipCounts).toEqual({
        listed: memberships,
        created: memberships,
        updated: 0,
        unchanged: 0,
        tombstoned: 0,
      });
      await expectDatabaseEqualsClerk();

      const second = await run();
      expect(second.organizationCounts).toEqual({
        listed: organizations,
        created: 0,
        updated: 0,
        unchanged: organizations,
        tombstoned: 0,
      });
      expect(second.membershipCounts).toEqual({
        listed: memberships,
        created: 0,
        updated: 0,
        unchanged: memberships,
        tombstoned: 0,
      });
      expect(await findLatestReconciliationRun(t.db)).toMatchObject({
        status: "succeeded",
        organizations_listed: organizations,
        organizations_unchanged: organizations,
        memberships_listed: memberships,
        memberships_unchanged: memberships,
        live_organizations: organizations,
        organization_tombstone_candidates: 0,
      });
    },
  );

  it("does not overwrite an organization or a membership a webhook updated with newer data during the run", async () => {
    for (let i = 0; i < 600; i++) seedOrganization(i === 0 ? 600 : 0);
    const lateOrganization = [...stub.organizations.values()][550];
    const lateMembership = [...stub.memberships.values()][550];
    if (!lateOrganization || !lateMembership) throw new Error("seed failed");
    const newerOrganization = {
      ...lateOrganization,
      name: "From the webhook",
      updated_at: lateOrganization.updated_at + 5_000,
    };
    const newerMembership = { ...lateMembership, role: "org:admin", updated_at: lateMembership.updated_at + 5_000 };
    const stored = async (table: "organizations" | "organization_memberships") =>
      (await t.db.selectFrom(table).select("id").execute()).length;
    stub.onRequest = async (path) => {
      // Each lands after the first page of its list was written, before the page that holds it.
      if (path === "/v1/organizations" && (await stored("organizations")) > 0)
        await storeOrganization(newerOrganization);
      if (path.endsWith("/memberships") && (await stored("organization_memberships")) > 0) {
        await storeMembership(newerMembership);
        stub.onRequest = undefined;
      }
    };
    await run();
    expect((await findOrganizationById(t.db, lateOrganization.id))?.name).toBe("From the webhook");
    expect((await findMembershipById(t.db, lateMembership.id))?.role).toBe("org:admin");
  });

  it.each([
    { on: "the organizations' list", afterRequests: 2, path: "GET /v1/organizations?" },
    { on: "a memberships' list", afterRequests: 3, path: "/memberships?" },
  ])("waits as long as a 429 on $on asks, then finishes correctly", async ({ afterRequests, path }) => {
    seedOrganization(3);
    seedOrganization(2);
    const waits: number[] = [];
    stub.failNext(1, 429, { retryAfterSeconds: 3, afterRequests });
    const report = await run({ sleep: async (ms) => void waits.push(ms) });
    expect(waits).toEqual([3000]);
    expect(stub.requests[afterRequests]).toContain(path); // the request Clerk refused
    expect(report.membershipCounts.listed).toBe(5);
    await expectDatabaseEqualsClerk();
  });

  it("tombstones nothing when a listing fails part-way, and a rerun completes the work", async () => {
    const { organization } = seedOrganization(2);
    seedOrganization(1);
    const goneOrganization = clerkOrganizationJson(); // deleted in Clerk, webhook lost
    await storeOrganization(goneOrganization);
    const goneMembership = clerkMembershipJson(organization, clerkUserJson()); // removed in Clerk, webhook lost
    await storeMembership(goneMembership);
    stub.failNext(50, 500, { afterRequests: 4 }); // users, organizations, the first memberships; then failing
    await expect(run()).rejects.toThrow();
    expect(await isDeleted(findOrganizationById(t.db, goneOrganization.id))).toBe(false);
    expect(await isDeleted(findMembershipById(t.db, goneMembership.id))).toBe(false);
    // The failed run's row still says what the units before the failure wrote, for every table.
    expect(await findLatestReconciliationRun(t.db)).toMatchObject({
      status: "failed",
      organizations_listed: 2,
      organizations_tombstoned: 0,
    });

    stub.failNext(0, 500);
    const rerun = await run();
    expect(rerun.organizationCounts.tombstoned).toBe(1);
    expect(rerun.membershipCounts.tombstoned).toBe(1);
    expect(await isDeleted(findOrganizationById(t.db, goneOrganization.id))).toBe(true);
    expect(await isDeleted(findMembershipById(t.db, goneMembership.id))).toBe(true);
    await expectDatabaseEqualsClerk();
  });

  it("tombstones an organization deleted in Clerk with its memberships, but not one the paged list skipped", async () => {
    const gone = clerkOrganizationJson();
    await storeOrganization(gone);
    const goneMembers = [clerkMembershipJson(gone, clerkUserJson()), clerkMembershipJson(gone, clerkUserJson())];
    for (const membership of goneMembers) await storeMembership(membership);
    const { organization: skipped, memberships: skippedMembers } = seedOrganization(2);
    await storeOrganization(skipped);
    for (const membership of skippedMembers) await storeMembership(membership);
    stub.hiddenOrganizationsFromList.add(skipped.id); // exists in Clerk, but offset paging missed it
    seedOrganization(1);

    const report = await run();
    expect(report.organizationCounts.tombstoned).toBe(1);
    expect(await isDeleted(findOrganizationById(t.db, gone.id))).toBe(true);
    for (const membership of goneMembers) expect(await isDeleted(findMembershipById(t.db, membership.id))).toBe(true);
    expect(await isDeleted(findOrganizationById(t.db, skipped.id))).toBe(false);
    for (const membership of skippedMembers)
      expect(await isDeleted(findMembershipById(t.db, membership.id))).toBe(false);
    expect(stub.requests.some((r) => r.includes(`organization_id=${skipped.id}`))).toBe(true); // looked up by id
    await expectDatabaseEqualsClerk();
  });

  it("tombstones a membership removed in Clerk, but not one the paged list skipped", async () => {
    const { organization, memberships } = seedOrganization(3);
    const [, skipped] = memberships;
    if (!skipped) throw new Error("seed failed");
    await storeOrganization(organization);
    for (const membership of memberships) await storeMembership(membership);
    const removed = clerkMembershipJson(organization, clerkUserJson());
    await storeMembership(removed);
    stub.hiddenMembershipsFromList.add(skipped.id);

    const report = await run();
    expect(report.membershipCounts.tombstoned).toBe(1);
    expect(await isDeleted(findMembershipById(t.db, removed.id))).toBe(true);
    expect(await isDeleted(findMembershipById(t.db, skipped.id))).toBe(false);
    expect(await isDeleted(findOrganizationById(t.db, organization.id))).toBe(false);
    await expectDatabaseEqualsClerk();
  });

  it("stops before tombstoning when Clerk lacks most organizations, unless allowed", async () => {
    for (let i = 0; i < 3; i++) seedOrganization(1); // the other instance's organizations
    const ours = Array.from({ length: 40 }, () => clerkOrganizationJson());
    for (const organization of ours) await storeOrganization(organization);

    const stopped = await run();
    expect(stopped.status).toBe("stopped");
    expect(stopped.tombstoneCheck.stopReason).toMatch(
      /^Stopped before tombstoning anyone: 40 of 43 live organizations \(93%\) are not in Clerk's organization list/,
    );
    expect(await t.db.selectFrom("organizations").where("deleted_at", "is not", null).select("id").execute()).toEqual(
      [],
    );
    expect(await findLatestReconciliationRun(t.db)).toMatchObject({
      status: "stopped",
      live_organizations: 43,
      organization_tombstone_candidates: 40,
      organizations_tombstoned: 0,
    });

    const allowed = await run({ allowMassTombstone: true });
    expect(allowed.organizationCounts.tombstoned).toBe(40);
    await expectDatabaseEqualsClerk();
  });

  it("skips and names an organization it cannot store, writes the rest, and never tombstones it", async () => {
    const {
      organization: unstorable,
      memberships: [member],
    } = seedOrganization(1);
    const stored = { ...unstorable, name: "Old name" };
    await storeOrganization(stored);
    if (member) await storeMembership(member);
    stub.organizations.set(unstorable.id, {
      ...unstorable,
      name: "NUL\u0000name",
      updated_at: unstorable.updated_at + 1,
    });
    seedOrganization(2);

    const report = await run();
    expect(report.status).toBe("succeeded");
    // Its membership embeds it, so cannot be read either: named too, and kept.
    expect(report.skipped).toEqual([
      { id: unstorable.id, reason: expect.stringMatching(/^invalid organization: name/) },
      { id: member?.id, reason: expect.stringMatching(/^invalid membership: organization\.name/) },
    ]);
    expect(report.organizationCounts).toMatchObject({ listed: 2, created: 1, tombstoned: 0 });
    const row = await findOrganizationById(t.db, unstorable.id);
    expect([row?.name, row?.deleted_at]).toEqual(["Old name", null]);
    expect(await isDeleted(findMembershipById(t.db, member?.id ?? ""))).toBe(false);
  });
});
