import { organizationSyncRowFromClerk } from "@repo/clerk/organizations";
import { clerkOrganizationJson, clerkUserJson, useClerkApiStub } from "@repo/clerk/testing";
import { userSyncRowFromClerk } from "@repo/clerk/users";
import { upsertOrganizationsFromClerk } from "@repo/db/organizations";
import { useTestDatabase } from "@repo/db/testing";
import { upsertUsersFromClerk } from "@repo/db/users";
import type { KyselyPlugin } from "kysely";
import { beforeEach, describe, expect, it } from "vitest";
import { createTestClerkInstance, type SessionTokenOptions, signSessionToken } from "../testing/clerk-session.ts";
import { TEST_WEB_ORIGIN } from "../testing/test-server.ts";
import { callTrpc } from "../testing/trpc-http.ts";
import { useTestServer } from "../testing/use-test-server.ts";
import { VerifiedSessionCache } from "./verified-session-cache.ts";

const clerk = createTestClerkInstance();

/** Every query the app sends to the database, by kind (SelectQueryNode, InsertQueryNode, ...). */
function recordQueries(): { plugin: KyselyPlugin; queries: string[] } {
  const queries: string[] = [];
  return {
    queries,
    plugin: {
      transformQuery: ({ node }) => {
        queries.push(node.kind);
        return node;
      },
      transformResult: async ({ result }) => result,
    },
  };
}

describe("session claims are held to Clerk's shapes, over HTTP", () => {
  const recorder = recordQueries();
  const cache = new VerifiedSessionCache();
  const t = useTestDatabase("pglite");
  const clerkApi = useClerkApiStub({ organizations: true });
  const server = useTestServer(() => ({
    db: t.db.withPlugin(recorder.plugin),
    clerk,
    clerkApiUrl: clerkApi.url,
    sessionCache: cache,
  }));
  const user = clerkUserJson({ id: "user_caller" });
  const organization = clerkOrganizationJson({ id: "org_acme", slug: "acme" });

  const token = (options: Partial<SessionTokenOptions> = {}) =>
    signSessionToken(clerk, { userId: "user_caller", azp: TEST_WEB_ORIGIN, ...options });
  /** The calls that look the caller and the active organization up in our table, then in Clerk. */
  const callEach = (bearer: string) =>
    Promise.all([
      callTrpc(server.url, "user.me", { token: bearer }),
      callTrpc(server.url, "org.current", { token: bearer }),
      callTrpc(server.url, "org.updateProfile", { token: bearer, type: "mutation", input: { description: "Mine" } }),
    ]);

  beforeEach(async () => {
    await upsertUsersFromClerk(t.db, [userSyncRowFromClerk(user)]);
    await upsertOrganizationsFromClerk(t.db, [organizationSyncRowFromClerk(organization)]);
    recorder.queries.length = 0;
  });

  const member = { id: "org_acme", rol: "member", slg: "acme" };
  it.each<[string, Partial<SessionTokenOptions>]>([
    ["o.id an array (Kysely would turn it into a list)", { rawClaims: { o: { ...member, id: ["org_B"] } } }],
    [
      "o.id with a query string (it would reach Clerk's URL unescaped)",
      { rawClaims: { o: { ...member, id: "org_B?x=" } } },
    ],
    ["o.id a path", { rawClaims: { o: { ...member, id: "org_B/memberships" } } }],
    ["o.id of another kind", { rawClaims: { o: { ...member, id: "user_B" } } }],
    ["o without an id", { rawClaims: { o: { rol: "member" } } }],
    ["o.rol an array (it would become org:admin)", { rawClaims: { o: { ...member, rol: ["admin"] } } }],
    ["o.slg an object", { rawClaims: { o: { ...member, slg: { name: "acme" } } } }],
    ["o.per an array", { rawClaims: { o: { ...member, per: ["manage"], fpm: "1" }, fea: "o:invoices" } }],
    ["fea an array", { rawClaims: { o: { ...member, per: "manage", fpm: "1" }, fea: ["o:invoices"] } }],
    ["act an empty object (nobody acting)", { rawClaims: { act: {} } }],
    ["act a string", { rawClaims: { act: "user_support" } }],
    ["act.sub not a user id", { rawClaims: { act: { sub: "org_acme" } } }],
    ["act.sub a user id with a query string", { rawClaims: { act: { sub: "user_support?x=" } } }],
    ["sub an organization id", { userId: "org_acme" }],
    ["sub a user id with a query string", { userId: "user_caller?x=" }],
    ["sub a user id with a path", { userId: "user_caller/organization_memberships" }],
    ["sid not a session id", { sessionId: "user_caller" }],
    ["sid an array", { rawClaims: { sid: ["sess_caller"] } }],
    ["v1 org_id with a query string", { rawClaims: { v: 1, org_id: "org_B?x=", org_role: "org:member" } }],
    ["v1 org_role an array", { rawClaims: { v: 1, org_id: "org_acme", org_role: ["org:admin"] } }],
    [
      "v1 org_permissions a string",
      { rawClaims: { v: 1, org_id: "org_acme", org_role: "admin", org_permissions: "x" } },
    ],
  ])("%s: 401 everywhere, before any lookup in our table or in Clerk, and never remembered", async (_case, options) => {
    const bearer = await token(options);
    const remembered = cache.size;
    for (const response of await callEach(bearer)) {
      expect(response.status).toBe(401);
      expect(response.error?.data.code).toBe("UNAUTHORIZED");
    }
    expect(clerkApi.requests).toEqual([]);
    expect(recorder.queries).toEqual([]);
    expect(cache.size).toBe(remembered);
    expect(await findDescription()).toBeNull();
  });

  it("a token in Clerk's shape still passes: v2 organization claims and an actor", async () => {
    const bearer = await token({ org: { id: "org_acme", role: "org:admin" }, actor: { sub: "user_support" } });
    const [me, current, updated] = await callEach(bearer);
    expect(me).toMatchObject({
      status: 200,
      data: { profile: { id: "user_caller" }, actor: { userId: "user_support" } },
    });
    expect(current).toMatchObject({ status: 200, data: { id: "org_acme" } });
    expect(updated).toMatchObject({ status: 200, data: { description: "Mine" } });
    // And ids in Clerk's shape do reach the table and Clerk: what the refusals above are measured against.
    expect(recorder.queries).toContain("SelectQueryNode");
    const stranger = await token({ userId: "user_2notSyncedYet", org: { id: "org_2notSyncedYet", role: "member" } });
    const [unknownUser, unknownOrganization] = await callEach(stranger);
    expect([unknownUser?.status, unknownOrganization?.status]).toEqual([404, 404]);
    expect(clerkApi.requests).toEqual(
      expect.arrayContaining(["GET /v1/users/user_2notSyncedYet", "GET /v1/organizations/org_2notSyncedYet"]),
    );
  });

  it("a v1 token in Clerk's shape still passes: org_id, org_role, org_slug, org_permissions", async () => {
    const bearer = await token({
      rawClaims: { v: 1, org_id: "org_acme", org_role: "org:admin", org_slug: "acme", org_permissions: [] },
    });
    const [, current, updated] = await callEach(bearer);
    expect(current).toMatchObject({ status: 200, data: { id: "org_acme" } });
    expect(updated).toMatchObject({ status: 200, data: { description: "Mine" } });
  });

  async function findDescription() {
    const row = await t.db
      .selectFrom("organizations")
      .select("description")
      .where("id", "=", "org_acme")
      .executeTakeFirst();
    return row?.description ?? null;
  }
});
