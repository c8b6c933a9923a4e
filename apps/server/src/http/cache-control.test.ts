import { organizationSyncRowFromClerk } from "@repo/clerk/organizations";
import { clerkOrganizationJson, clerkUserJson } from "@repo/clerk/testing";
import { userSyncRowFromClerk } from "@repo/clerk/users";
import { upsertOrganizationsFromClerk } from "@repo/db/organizations";
import { useTestDatabase } from "@repo/db/testing";
import { upsertUsersFromClerk } from "@repo/db/users";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestClerkInstance, signSessionToken } from "../testing/clerk-session.ts";
import { TEST_WEB_ORIGIN } from "../testing/test-server.ts";
import { useTestServer } from "../testing/use-test-server.ts";

const clerk = createTestClerkInstance();

describe("API answers are never stored by a browser or proxy", () => {
  const t = useTestDatabase("pglite");
  const server = useTestServer(() => ({ db: t.db, clerk }));
  const user = clerkUserJson();
  const organization = clerkOrganizationJson();
  let bearer: string;

  beforeAll(async () => {
    bearer = await signSessionToken(clerk, {
      userId: user.id,
      azp: TEST_WEB_ORIGIN,
      org: { id: organization.id, role: "org:member" },
    });
  });
  // Stored again before each test, as the database is emptied before each.
  beforeEach(async () => {
    await upsertUsersFromClerk(t.db, [userSyncRowFromClerk(user)]);
    await upsertOrganizationsFromClerk(t.db, [organizationSyncRowFromClerk(organization)]);
  });

  it.each([
    ["user.me, the caller's profile", "GET", "/api/trpc/user.me", true, 200],
    ["org.members, names and email addresses", "GET", "/api/trpc/org.members", true, 200],
    ["a refused session", "GET", "/api/trpc/user.me", false, 401],
    ["an unknown procedure", "GET", "/api/trpc/user.nothing", true, 404],
    ["an unknown API route", "GET", "/api/nothing", false, 404],
    ["an unsigned webhook", "POST", "/api/webhooks/clerk", false, 400],
    ["an unsigned Inngest call", "GET", "/api/inngest", false, 401],
    ["the health check", "GET", "/healthz", false, 200],
  ])("%s: Cache-Control no-store", async (_case, method, path, signedIn, status) => {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: signedIn ? { Authorization: `Bearer ${bearer}` } : {},
      ...(method === "POST" ? { body: "{}" } : {}),
    });
    expect(response.status).toBe(status);
    expect(response.headers.get("cache-control")).toBe("no-store");
  });
});
