import { createClerkClient } from "@clerk/backend";
import { clerkMembershipJson, clerkOrganizationJson, clerkUserJson, useClerkApiStub } from "@repo/clerk/testing";
import { testDatabaseKinds, useTestDatabase } from "@repo/db/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { CLERK_RATE_LIMITS, clerkPaceFor, createClerkPacer } from "./clerk-requests.ts";
import { runReconciliation } from "./run-reconciliation.ts";

/** Clerk's 10 s window, shrunk (RECONCILE_CLERK_REQUEST_WINDOW_MS) so the test takes seconds. */
const WINDOW_MS = 2500;

describe.each(testDatabaseKinds())("pacing under Clerk's rate limit on %s", (kind) => {
  const t = useTestDatabase(kind);
  // A development instance: 100 requests per window, then 429 with Retry-After.
  const stub = useClerkApiStub({
    organizations: true,
    rateLimit: { requests: CLERK_RATE_LIMITS.development, windowMs: WINDOW_MS },
  });
  let clerk: ReturnType<typeof createClerkClient>;

  beforeAll(() => {
    clerk = createClerkClient({ secretKey: "sk_test_offline", apiUrl: stub.url });
  });

  it("keeps a development key's run under 100 requests per window: no 429, however many requests it needs", async () => {
    // One membership request per organization: 180 of them, more than one window allows.
    for (let i = 0; i < 180; i++) {
      const organization = clerkOrganizationJson();
      stub.organizations.set(organization.id, organization);
      const membership = clerkMembershipJson(organization, clerkUserJson());
      stub.memberships.set(membership.id, membership);
    }
    const pace = clerkPaceFor("sk_test_offline", { windowMs: WINDOW_MS });
    expect(pace).toEqual({ requests: 90, windowMs: WINDOW_MS });
    const waits: number[] = [];

    const report = await runReconciliation(
      { db: t.db, clerk, pace: createClerkPacer(pace) },
      { trigger: "test", sleep: async (ms) => void waits.push(ms) },
    );

    expect(stub.requests.length).toBeGreaterThan(CLERK_RATE_LIMITS.development);
    expect(stub.rateLimited).toBe(0);
    expect(waits).toEqual([]);
    expect(report.membershipCounts).toMatchObject({ listed: 180, created: 180 });
  });

  it("takes a production key's pace from Clerk's production limit, and the settings over either", () => {
    expect(clerkPaceFor("sk_live_x")).toEqual({ requests: 900, windowMs: 10_000 });
    expect(clerkPaceFor("sk_test_x")).toEqual({ requests: 90, windowMs: 10_000 });
    expect(clerkPaceFor("sk_live_x", { requests: 50, windowMs: 2000 })).toEqual({ requests: 50, windowMs: 2000 });
  });
});
