import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createClerkClient } from "@clerk/backend";
import { InngestTestEngine, mockCtx } from "@inngest/test";
import { membershipSyncRowFromClerk } from "@repo/clerk/memberships";
import { organizationSyncRowFromClerk } from "@repo/clerk/organizations";
import { clerkMembershipJson, clerkOrganizationJson, clerkUserJson, useClerkApiStub } from "@repo/clerk/testing";
import { userSyncRowFromClerk } from "@repo/clerk/users";
import { findMembershipById, upsertMembershipsFromClerk } from "@repo/db/memberships";
import { findOrganizationById, upsertOrganizationsFromClerk } from "@repo/db/organizations";
import { findLatestReconciliationRun, startReconciliationRun } from "@repo/db/reconciliation-runs";
import { testDatabaseKinds, useTestDatabase } from "@repo/db/testing";
import { findUserById, upsertUsersFromClerk } from "@repo/db/users";
import { RetryAfterError } from "inngest";
import { serve } from "inngest/node";
import { beforeAll, describe, expect, it } from "vitest";
import { createInngestClient, INNGEST_APP_ID, type InngestClient } from "../../client.ts";
import { runFunction, silentLogger } from "../../testing/run-function.ts";
import { ClerkRateLimitedError } from "./clerk-requests.ts";
import { createReconcileFunction, retryAfterRateLimit } from "./reconcile-function.ts";

describe.each(testDatabaseKinds())("reconcile-users Inngest function on %s", (kind) => {
  const t = useTestDatabase(kind);
  const stub = useClerkApiStub({ organizations: true });
  let inngest: InngestClient;
  let fn: ReturnType<typeof createReconcileFunction>;

  beforeAll(() => {
    const clerk = createClerkClient({ secretKey: "sk_test_offline", apiUrl: stub.url });
    inngest = createInngestClient({ isDev: true, logger: silentLogger() });
    fn = createReconcileFunction(inngest, { db: t.db, clerk });
  });

  function seedClerk(count: number) {
    for (let i = 0; i < count; i++) {
      const user = clerkUserJson();
      stub.users.set(user.id, user);
    }
  }

  /** Users this app has stored (from webhooks) that Clerk's listing does not return. */
  async function seedUsersMissingFromClerk(count: number) {
    const users = Array.from({ length: count }, () => clerkUserJson());
    await upsertUsersFromClerk(t.db, users.map(userSyncRowFromClerk));
    return users;
  }

  const countTombstones = async () =>
    (await t.db.selectFrom("users").select("id").where("deleted_at", "is not", null).execute()).length;

  it("pages through Clerk one step a page, tombstones the missing, and records the run", async () => {
    seedClerk(1001);
    const gone = clerkUserJson();
    await upsertUsersFromClerk(t.db, [userSyncRowFromClerk(gone)]);

    const { result, error } = await runFunction(fn, {
      name: "app/users.reconcile.requested",
      data: { reason: "test" },
    });
    expect(error).toBeUndefined();
    expect(result).toEqual({
      status: "succeeded",
      listed: 1001,
      created: 1001,
      updated: 0,
      unchanged: 0,
      tombstoned: 1,
      skipped: 0,
      organizations: { listed: 0, created: 0, updated: 0, unchanged: 0, tombstoned: 0 },
      memberships: { listed: 0, created: 0, updated: 0, unchanged: 0, tombstoned: 0 },
    });
    expect((await findUserById(t.db, gone.id))?.deleted_at).toBeInstanceOf(Date);
    expect(await findLatestReconciliationRun(t.db)).toMatchObject({
      status: "succeeded",
      trigger: "requested",
      tombstoned: 1,
      live_users: 1002,
      tombstone_candidates: 1,
    });
  });

  it("reconciles organizations and their memberships in the same run, and a 429 on them becomes RetryAfterError", async () => {
    const organizations = Array.from({ length: 501 }, () => clerkOrganizationJson());
    for (const organization of organizations) stub.organizations.set(organization.id, organization);
    const [first] = organizations;
    if (!first) throw new Error("seed failed");
    const member = clerkMembershipJson(first, clerkUserJson());
    stub.memberships.set(member.id, member);
    const gone = clerkOrganizationJson();
    await upsertOrganizationsFromClerk(t.db, [organizationSyncRowFromClerk(gone)]);

    const { result, error } = await runFunction(fn, { name: "app/users.reconcile.requested", data: {} });
    expect(error).toBeUndefined();
    expect(result).toMatchObject({
      status: "succeeded",
      organizations: { listed: 501, created: 501, tombstoned: 1 },
      memberships: { listed: 1, created: 1, tombstoned: 0 },
    });
    expect((await findOrganizationById(t.db, gone.id))?.deleted_at).toBeInstanceOf(Date);
    expect((await findMembershipById(t.db, member.id))?.role).toBe(member.role);
    expect(await findLatestReconciliationRun(t.db)).toMatchObject({
      organizations_listed: 501,
      organizations_tombstoned: 1,
      memberships_listed: 1,
      live_organizations: 502,
    });

    stub.failNext(1, 429, { retryAfterSeconds: 9, afterRequests: 2 }); // the organizations' first page
    const limited = await runFunction(fn, { name: "app/users.reconcile.requested", data: {} });
    expect(limited.error?.name).toBe("RetryAfterError");
    expect(limited.error?.message).toMatch(/retry after 9s/);
  });

  it("with organizations off in Clerk (a new instance), reconciles users fully, leaves organizations and memberships as they are, and succeeds", async () => {
    stub.organizationsEnabled = false;
    seedClerk(3);
    const [gone] = await seedUsersMissingFromClerk(1);
    // Stored by webhooks while the feature was on: 20 would be over the tombstone limit if counted.
    const organizations = Array.from({ length: 20 }, () => clerkOrganizationJson());
    await upsertOrganizationsFromClerk(t.db, organizations.map(organizationSyncRowFromClerk));
    const [first] = organizations;
    if (!first || !gone) throw new Error("seed failed");
    const member = clerkMembershipJson(first, clerkUserJson());
    await upsertMembershipsFromClerk(t.db, [membershipSyncRowFromClerk(member)]);

    const { result, error } = await runFunction(fn, { name: "app/users.reconcile.requested", data: {} });
    expect(error).toBeUndefined();
    expect(result).toMatchObject({
      status: "succeeded",
      listed: 3,
      created: 3,
      tombstoned: 1,
      organizationsOff: true,
      organizations: { listed: 0, tombstoned: 0 },
      memberships: { listed: 0, tombstoned: 0 },
    });
    expect((await findUserById(t.db, gone.id))?.deleted_at).toBeInstanceOf(Date);
    const stored = await t.db.selectFrom("organizations").select("deleted_at").execute();
    expect(stored.map((row) => row.deleted_at)).toEqual(organizations.map(() => null));
    expect(await findMembershipById(t.db, member.id)).toMatchObject({ deleted_at: null, role: member.role });
    expect(await findLatestReconciliationRun(t.db)).toMatchObject({
      status: "succeeded",
      error: null,
      tombstoned: 1,
      organizations_enabled: false,
      organizations_listed: 0,
      organizations_tombstoned: 0,
      memberships_tombstoned: 0,
      live_organizations: null,
    });
    // Asked once, told it is off, and not asked again: no memberships, no look-ups by id.
    expect(stub.requests.filter((r) => r.includes("organization"))).toEqual([
      "GET /v1/organizations?limit=500&order_by=%2Bcreated_at",
    ]);
  });

  it("a 403 of any other code on the organizations' list still fails the run, and tombstones nobody", async () => {
    seedClerk(3);
    const [gone] = await seedUsersMissingFromClerk(1);
    stub.failNext(1, 403, { code: "authorization_invalid", afterRequests: 2 }); // the organizations' first page
    const { error } = await runFunction(fn, { name: "app/users.reconcile.requested", data: {} });
    expect(error).toBeDefined();
    expect(await findUserById(t.db, gone?.id ?? "")).toMatchObject({ deleted_at: null });
    expect(await findLatestReconciliationRun(t.db)).toMatchObject({ status: "running", organizations_enabled: null });
    expect(stub.requests.at(-1)).toMatch(/^GET \/v1\/organizations\?/);
  });

  it("stops without tombstoning anyone when most users are missing (another instance's key)", async () => {
    seedClerk(3); // the other instance's users
    await seedUsersMissingFromClerk(40);
    for (const event of [
      { name: "app/users.reconcile.requested", data: {} },
      { name: "inngest/scheduled.timer", data: {} }, // the daily cron cannot override
    ]) {
      const { result, error } = await runFunction(fn, event);
      expect(error).toBeUndefined();
      expect(result).toMatchObject({ status: "stopped", tombstoned: 0 });
      expect(await countTombstones()).toBe(0);
      expect(await findLatestReconciliationRun(t.db)).toMatchObject({
        status: "stopped",
        live_users: 43,
        tombstone_candidates: 40,
        tombstoned: 0,
        mass_tombstone_allowed: false,
        error: expect.stringContaining("CLERK_SECRET_KEY may belong to another Clerk instance"),
      });
    }
    expect(stub.requests.filter((r) => r.includes("user_id"))).toEqual([]); // not one look-up by id
  });

  it("tombstones them all when the event says allowMassTombstone", async () => {
    seedClerk(3);
    await seedUsersMissingFromClerk(40);
    const { result, error } = await runFunction(fn, {
      name: "app/users.reconcile.requested",
      data: { reason: "the users were deleted", allowMassTombstone: true },
    });
    expect(error).toBeUndefined();
    expect(result).toMatchObject({ status: "succeeded", tombstoned: 40 });
    expect(await countTombstones()).toBe(40);
    expect(await findLatestReconciliationRun(t.db)).toMatchObject({
      status: "succeeded",
      mass_tombstone_allowed: true,
      tombstone_candidates: 40,
      tombstoned: 40,
    });
  });

  it("refuses an invalid tombstone limit when it is built", () => {
    const clerk = createClerkClient({ secretKey: "sk_test_offline", apiUrl: stub.url });
    expect(() =>
      createReconcileFunction(inngest, { db: t.db, clerk, tombstoneLimit: { share: 10, minCount: 10 } }),
    ).toThrow(/Invalid reconciliation tombstone limit \(share: .*\): share is a fraction from 0 to 1/);
  });

  it("onFailure ends its own run's record and leaves a command-line run beside it alone", async () => {
    // Its own run: Clerk fails every request, so the run ends with its row still `running`. Inngest
    // keeps a run's id across all its calls; the test engine draws a new one per call, so pin it.
    const runId = "01JOWNINNGESTRUN00000000000";
    stub.failNext(1000, 500);
    const engine = new InngestTestEngine({ function: fn, transformCtx: (ctx) => ({ ...mockCtx(ctx), runId }) });
    const failed = await engine.execute({ events: [{ name: "app/users.reconcile.requested", data: {} }] });
    expect(failed.error).toBeDefined();
    const ownRun = await findLatestReconciliationRun(t.db);
    expect(ownRun).toMatchObject({ status: "running", inngest_run_id: runId });
    expect(await deliverFailure(runId, "Clerk kept failing")).toBe(200);
    expect(await findLatestReconciliationRun(t.db)).toMatchObject({
      id: ownRun?.id,
      status: "failed",
      error: "Clerk kept failing",
    });

    // A run whose own row was already ended (taken for abandoned, or it failed before start-run), while
    // `pnpm users:backfill` is running: its failure must not end the command's run.
    const command = await startReconciliationRun(t.db, "command");
    expect(await deliverFailure("01JOTHERINNGESTRUN000000000", "A reconciliation is already running")).toBe(200);
    expect(await findLatestReconciliationRun(t.db)).toMatchObject({
      id: command.id,
      status: "running",
      error: null,
    });
  });

  /**
   * Delivers `inngest/function.failed` for a run to the function's failure handler, as Inngest does
   * once the run's retries are exhausted: through the SDK's own serve() handler, over HTTP.
   */
  async function deliverFailure(failedRunId: string, message: string): Promise<number> {
    const server = createServer(serve({ client: inngest, functions: [fn] }));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const event = {
        name: "inngest/function.failed",
        id: `evt_failed_${failedRunId}`,
        ts: Date.now(),
        data: {
          function_id: `${INNGEST_APP_ID}-reconcile-users`,
          run_id: failedRunId,
          error: { name: "Error", message },
          event: { name: "app/users.reconcile.requested", data: {} },
        },
      };
      const url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      url.searchParams.set("fnId", `${INNGEST_APP_ID}-reconcile-users-failure`);
      url.searchParams.set("stepId", "step");
      const response = await fetch(url, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({
          version: 2,
          event,
          events: [event],
          steps: {},
          ctx: {
            run_id: "01JFAILUREHANDLERRUN0000000",
            attempt: 0,
            disable_immediate_execution: false,
            use_api: false,
            stack: { stack: [], current: 0 },
          },
        }),
      });
      await response.body?.cancel();
      return response.status;
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  }

  it("turns a 429 into Inngest's RetryAfterError with the wait Clerk asked for", async () => {
    stub.failNext(5, 429, { retryAfterSeconds: 7 });
    const { error } = await runFunction(fn, { name: "app/users.reconcile.requested", data: {} });
    expect(error?.name).toBe("RetryAfterError");
    expect(error?.message).toMatch(/retry after 7s/);
    const direct = retryAfterRateLimit(() => Promise.reject(new ClerkRateLimitedError(7)));
    await expect(direct).rejects.toBeInstanceOf(RetryAfterError);
    // The SDK keeps the wait in whole seconds, as it sends it to Inngest (Retry-After).
    await expect(direct).rejects.toMatchObject({ retryAfter: "7" });
  });
});
