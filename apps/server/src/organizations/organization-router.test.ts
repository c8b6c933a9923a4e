import { membershipRefFromClerk, membershipSyncRowFromClerk } from "@repo/clerk/memberships";
import { organizationSyncRowFromClerk } from "@repo/clerk/organizations";
import { clerkMembershipJson, clerkOrganizationJson, clerkUserJson, useClerkApiStub } from "@repo/clerk/testing";
import { userSyncRowFromClerk } from "@repo/clerk/users";
import { findLiveMembers, markMembershipDeleted, upsertMembershipsFromClerk } from "@repo/db/memberships";
import {
  findOrganizationById,
  markOrganizationDeleted,
  updateOrganizationProfile,
  upsertOrganizationsFromClerk,
} from "@repo/db/organizations";
import { testDatabaseKinds, useTestDatabase } from "@repo/db/testing";
import { updateUserProfile, upsertUsersFromClerk } from "@repo/db/users";
import { describe, expect, it } from "vitest";
import { createTestClerkInstance, type SessionTokenOptions, signSessionToken } from "../testing/clerk-session.ts";
import { TEST_WEB_ORIGIN } from "../testing/test-server.ts";
import { callTrpc } from "../testing/trpc-http.ts";
import { useTestServer } from "../testing/use-test-server.ts";
import type { Member, Organization } from "./organization-view.ts";

const clerk = createTestClerkInstance();
/** The lookup's bound in these tests; production uses CLERK_LOOKUP_TIMEOUT_MS. */
const LOOKUP_TIMEOUT_MS = 500;
/** Time allowed past the bound for the answer to travel back (a loaded 2-core machine included). */
const MARGIN_MS = 1_500;

describe.each(testDatabaseKinds())("organization procedures over HTTP on %s", (kind) => {
  const t = useTestDatabase(kind);
  const clerkApi = useClerkApiStub({ organizations: true });
  const server = useTestServer(() => ({
    db: t.db,
    clerk,
    clerkApiUrl: clerkApi.url,
    clerkLookupTimeoutMs: LOOKUP_TIMEOUT_MS,
  }));

  /** A session token for `userId`, active in `organization` with `role` (none: the personal account). */
  const token = (
    userId: string,
    organization?: { id: string; role: string },
    options: Partial<SessionTokenOptions> = {},
  ) =>
    signSessionToken(clerk, {
      userId,
      azp: TEST_WEB_ORIGIN,
      ...(organization ? { org: { id: organization.id, role: organization.role } } : {}),
      ...options,
    });
  const query = <T>(path: string, bearer: string) => callTrpc<T>(server.url, path, { token: bearer });
  const updateProfile = (bearer: string, input: unknown) =>
    callTrpc<Organization>(server.url, "org.updateProfile", { token: bearer, type: "mutation", input });

  async function storedOrganization(overrides: Parameters<typeof clerkOrganizationJson>[0] = {}) {
    const organization = clerkOrganizationJson(overrides);
    await upsertOrganizationsFromClerk(t.db, [organizationSyncRowFromClerk(organization)]);
    return organization;
  }

  describe.each(["org.current", "org.members", "org.updateProfile"])("%s", (path) => {
    const call = (bearer: string | undefined) =>
      callTrpc(server.url, path, {
        ...(bearer ? { token: bearer } : {}),
        ...(path === "org.updateProfile" ? { type: "mutation" as const, input: { description: "Hijacked" } } : {}),
      });

    it("is 401 without a session, and 401 for an expired token naming an organization", async () => {
      const organization = await storedOrganization();
      expect((await call(undefined)).status).toBe(401);
      const expired = await token("user_admin", { id: organization.id, role: "org:admin" }, { expiresInSeconds: -120 });
      expect((await call(expired)).status).toBe(401);
      expect((await findOrganizationById(t.db, organization.id))?.description).toBeNull();
    });

    it("is 403 with reason organization_required when the session has no active organization", async () => {
      await storedOrganization();
      const response = await call(await token("user_personal"));
      expect(response.status).toBe(403);
      expect(response.error?.data.reason).toBe("organization_required");
      expect(clerkApi.requests).toEqual([]);
    });
  });

  it("org.current returns the active organization from our table, camelCase and without bookkeeping", async () => {
    const organization = await storedOrganization({ name: "Acme Inc", slug: "acme" });
    await updateOrganizationProfile(t.db, organization.id, { description: "We make anvils." });
    await storedOrganization(); // another organization, not the session's

    const response = await query<Organization>(
      "org.current",
      await token("user_m", { id: organization.id, role: "org:member" }),
    );

    expect(response.status).toBe(200);
    expect(response.data).toEqual({
      id: organization.id,
      name: "Acme Inc",
      slug: "acme",
      imageUrl: organization.image_url,
      description: "We make anvils.",
      createdInClerkAt: new Date(organization.created_at),
      changedInClerkAt: new Date(organization.updated_at),
    });
    expect(clerkApi.requests).toEqual([]);
  });

  it("org.current fetches an organization the webhook has not delivered yet from Clerk, stores it, and a later older webhook does not regress it", async () => {
    const organization = clerkOrganizationJson({ name: "Fresh Org" });
    clerkApi.organizations.set(organization.id, { ...organization, updated_at: organization.updated_at + 1000 });
    const admin = await token("user_creator", { id: organization.id, role: "org:admin" });

    const response = await query<Organization>("org.current", admin);

    expect(response.status).toBe(200);
    expect(response.data?.name).toBe("Fresh Org");
    expect(clerkApi.requests).toEqual([`GET /v1/organizations/${organization.id}`]);
    expect((await findOrganizationById(t.db, organization.id))?.name).toBe("Fresh Org");
    expect((await updateProfile(admin, { description: "Ours" })).status).toBe(200);

    // The organization.created webhook arrives late, with the older version.
    await upsertOrganizationsFromClerk(t.db, [organizationSyncRowFromClerk({ ...organization, name: "Stale" })]);
    expect(await findOrganizationById(t.db, organization.id)).toMatchObject({ name: "Fresh Org", description: "Ours" });
    // A newer sync changes Clerk's fields and still leaves the app-owned description alone.
    const renamed = { ...organization, name: "Renamed", updated_at: organization.updated_at + 2000 };
    await upsertOrganizationsFromClerk(t.db, [organizationSyncRowFromClerk(renamed)]);
    expect(await findOrganizationById(t.db, organization.id)).toMatchObject({ name: "Renamed", description: "Ours" });
  });

  it("org.current for an organization Clerk does not know is 404, asked once however often", async () => {
    const member = await token("user_m", { id: "org_2unknownToClerk", role: "org:member" });
    const responses = await Promise.all(Array.from({ length: 5 }, () => query("org.current", member)));
    expect(responses.map((r) => r.status)).toEqual(Array(5).fill(404));
    expect(responses[0]?.error?.data.reason).toBe("organization_not_in_clerk");
    expect((await query("org.current", member)).status).toBe(404);
    expect(clerkApi.requests).toEqual(["GET /v1/organizations/org_2unknownToClerk"]);
  });

  it("org.current is 403 with reason organizations_not_enabled when Clerk has organizations turned off, never a 5xx", async () => {
    clerkApi.organizationsEnabled = false;
    try {
      const member = await token("user_m", { id: "org_2turnedOffSince", role: "org:member" });
      const response = await query("org.current", member);
      expect(response.status).toBe(403);
      expect(response.error?.data.reason).toBe("organizations_not_enabled");
      expect(response.error?.message).toMatch(/Organizations are turned off.*personal account/);
      expect(clerkApi.requests).toEqual(["GET /v1/organizations/org_2turnedOffSince"]);
      expect(await findOrganizationById(t.db, "org_2turnedOffSince")).toBeUndefined();
    } finally {
      clerkApi.organizationsEnabled = true;
    }
  });

  it("org.current still answers 502 for a 403 of any other code: Clerk refusing our key is a failure", async () => {
    clerkApi.failNext(1, 403, { code: "authorization_invalid" });
    const response = await query("org.current", await token("user_m", { id: "org_2refusedKey", role: "org:member" }));
    expect(response.status).toBe(502);
    expect(response.error?.message).toMatch(/Clerk's Backend API failed with HTTP 403.*try again/i);
  });

  it("a deleted organization is 403 with reason organization_deleted on every procedure, and Clerk is not asked", async () => {
    const organization = await storedOrganization();
    await markOrganizationDeleted(t.db, organization.id);
    clerkApi.organizations.set(organization.id, organization);
    const admin = await token("user_admin", { id: organization.id, role: "org:admin" });
    for (const response of [
      await query("org.current", admin),
      await query("org.members", admin),
      await updateProfile(admin, { description: "Back from the dead" }),
    ]) {
      expect(response.status).toBe(403);
      expect(response.error?.data.reason).toBe("organization_deleted");
    }
    expect(await findOrganizationById(t.db, organization.id)).toMatchObject({ name: null, description: null });
    expect(clerkApi.requests).toEqual([]);
  });

  it("org.current answers 502 within the bound when Clerk stalls, and stores nothing", async () => {
    const organization = clerkOrganizationJson();
    clerkApi.organizations.set(organization.id, organization);
    let answer = () => {};
    clerkApi.onRequest = () => new Promise<void>((resolve) => (answer = resolve));

    const started = performance.now();
    const response = await query("org.current", await token("user_m", { id: organization.id, role: "org:member" }));
    const elapsedMs = performance.now() - started;

    expect(response.status).toBe(502);
    expect(response.error?.message).toMatch(/Clerk's Backend API did not answer within 0\.5 s.*try again/i);
    expect(elapsedMs).toBeLessThan(LOOKUP_TIMEOUT_MS + MARGIN_MS);
    answer();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await findOrganizationById(t.db, organization.id)).toBeUndefined();
  });

  it("org.current answers 502 naming the status when Clerk fails, then stores the organization once Clerk answers", async () => {
    const organization = clerkOrganizationJson({ name: "Back" });
    clerkApi.organizations.set(organization.id, organization);
    clerkApi.failNext(1, 500);
    const member = await token("user_m", { id: organization.id, role: "org:member" });
    const failed = await query("org.current", member);
    expect(failed.status).toBe(502);
    expect(failed.error?.message).toMatch(/Clerk's Backend API failed with HTTP 500.*try again/i);
    expect(await findOrganizationById(t.db, organization.id)).toBeUndefined();
    expect(await query<Organization>("org.current", member)).toMatchObject({ status: 200, data: { name: "Back" } });
  });

  it("org.members lists the active organization's live members, from users where we have them", async () => {
    const organization = await storedOrganization();
    const other = await storedOrganization();
    const synced = clerkUserJson({ first_name: "Ada", last_name: "Lovelace" });
    await upsertUsersFromClerk(t.db, [userSyncRowFromClerk(synced)]);
    await updateUserProfile(t.db, synced.id, { display_name: "Countess" });
    const admin = clerkMembershipJson(organization, { ...synced, first_name: "Old name" }, { role: "org:admin" });
    // A member whose user has not been synced: shown from the membership's public_user_data.
    const notSynced = clerkMembershipJson(organization, {
      id: "user_2notSyncedYet",
      first_name: "Grace",
      last_name: "Hopper",
      image_url: "https://img.clerk.com/grace",
      identifier: "grace@example.org",
    });
    const removed = clerkMembershipJson(organization, {
      id: "user_2removed",
      first_name: "Gone",
      last_name: null,
      image_url: null,
    });
    const elsewhere = clerkMembershipJson(other, {
      id: "user_2elsewhere",
      first_name: "Other",
      last_name: null,
      image_url: null,
    });
    await upsertMembershipsFromClerk(t.db, [admin, notSynced, removed, elsewhere].map(membershipSyncRowFromClerk));
    await markMembershipDeleted(t.db, membershipRefFromClerk(removed));

    const response = await query<Member[]>(
      "org.members",
      await token(synced.id, { id: organization.id, role: "org:admin" }),
    );

    expect(response.status).toBe(200);
    expect(response.data).toEqual([
      {
        id: admin.id,
        userId: synced.id,
        role: "org:admin",
        name: "Countess",
        identifier: synced.email_addresses[1]?.email_address,
        imageUrl: synced.image_url,
        joinedAt: new Date(admin.created_at),
      },
      {
        id: notSynced.id,
        userId: "user_2notSyncedYet",
        role: "org:member",
        name: "Grace Hopper",
        identifier: "grace@example.org",
        imageUrl: "https://img.clerk.com/grace",
        joinedAt: new Date(notSynced.created_at),
      },
    ]);
  });

  it("org.updateProfile lets an admin set the description of the active organization only, trimmed and in NFC", async () => {
    const organization = await storedOrganization();
    const other = await storedOrganization();
    const admin = await token("user_admin", { id: organization.id, role: "org:admin" });

    const response = await updateProfile(admin, { description: "  Cafe\u0301 owners.\r\nSecond line  " });

    expect(response.status).toBe(200);
    expect(response.data).toMatchObject({ id: organization.id, description: "Café owners.\nSecond line" });
    expect((await findOrganizationById(t.db, organization.id))?.description).toBe("Café owners.\nSecond line");
    expect((await findOrganizationById(t.db, other.id))?.description).toBeNull();
    // Blank clears it.
    expect((await updateProfile(admin, { description: "   " })).data?.description).toBeNull();
    expect((await findOrganizationById(t.db, organization.id))?.description).toBeNull();
  });

  it("org.updateProfile refuses a member with 403 and leaves the row unchanged", async () => {
    const organization = await storedOrganization();
    await updateOrganizationProfile(t.db, organization.id, { description: "Set by an admin" });
    const before = await findOrganizationById(t.db, organization.id);
    const member = await token("user_member", { id: organization.id, role: "org:member" });

    const response = await updateProfile(member, { description: "Set by a member" });

    expect(response.status).toBe(403);
    expect(response.error?.data.reason).toBe("organization_permission_required");
    expect(await findOrganizationById(t.db, organization.id)).toEqual(before);
  });

  it.each([
    ["another organization's id", (victim: string) => ({ description: "Hijacked", organizationId: victim })],
    ["a description over 500 characters", () => ({ description: "x".repeat(501) })],
    ["a NUL in the description", () => ({ description: "a\u0000b" })],
    ["a right-to-left override", () => ({ description: "evil\u202Egnp.exe" })],
    ["a number", () => ({ description: 7 })],
  ])("org.updateProfile rejects %s with 400 and changes no organization", async (_case, input) => {
    const organization = await storedOrganization();
    const victim = await storedOrganization();
    const admin = await token("user_admin", { id: organization.id, role: "org:admin" });

    const response = await updateProfile(admin, input(victim.id));

    expect(response.status).toBe(400);
    expect((await findOrganizationById(t.db, organization.id))?.description).toBeNull();
    expect((await findOrganizationById(t.db, victim.id))?.description).toBeNull();
  });

  describe.each(["org.current", "org.members"])("%s refuses an input naming an organization with 400", (path) => {
    it.each([
      ["{ orgId }", (victim: string) => ({ orgId: victim })],
      ["{ organizationId }", (victim: string) => ({ organizationId: victim })],
      ["the bare id", (victim: string) => victim],
    ])("%s", async (_case, input) => {
      const organization = await storedOrganization();
      const victim = await storedOrganization();
      const member = await token("user_m", { id: organization.id, role: "org:member" });

      const response = await callTrpc(server.url, path, { token: member, input: input(victim.id) });

      expect(response.status).toBe(400);
      expect(response.error?.data.code).toBe("BAD_REQUEST");
      expect(response.data).toBeUndefined();
    });
  });

  it.each([
    [
      "480 combining marks on one letter",
      `Z${"\u0336".repeat(480)}algo`,
      "Description has more than 10 accents or other combining marks on one character: remove some",
    ],
    [
      "a private-use character",
      "Made with \uE000",
      "Description contains a private-use character (U+E000) that looks different on every device: remove it",
    ],
    [
      "an unassigned code point",
      "a\u{2FFFD}",
      "Description contains a character Unicode has not assigned (U+2FFFD): remove it",
    ],
  ])(
    "org.updateProfile refuses %s in the description with 400 naming the field",
    async (_case, description, message) => {
      const organization = await storedOrganization();
      const admin = await token("user_admin", { id: organization.id, role: "org:admin" });

      const response = await updateProfile(admin, { description });

      expect(response.status).toBe(400);
      expect(response.error?.data.fieldErrors).toEqual({ description: [message] });
      expect((await findOrganizationById(t.db, organization.id))?.description).toBeNull();
    },
  );

  it("org.members of an organization nobody has joined yet is empty, never another organization's", async () => {
    const organization = await storedOrganization();
    const other = await storedOrganization();
    const elsewhere = clerkMembershipJson(other, {
      id: "user_2elsewhere",
      first_name: null,
      last_name: null,
      image_url: null,
    });
    await upsertMembershipsFromClerk(t.db, [membershipSyncRowFromClerk(elsewhere)]);
    const response = await query<Member[]>(
      "org.members",
      await token("user_m", { id: organization.id, role: "org:member" }),
    );
    expect(response).toMatchObject({ status: 200, data: [] });
    expect(await findLiveMembers(t.db, other.id)).toHaveLength(1);
  });
});
