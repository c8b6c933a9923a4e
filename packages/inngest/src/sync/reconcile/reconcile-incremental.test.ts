import { createClerkClient } from "@clerk/backend";
import { clerkUserJson, useClerkApiStub } from "@repo/clerk/testing";
import type { ClerkUserJson } from "@repo/clerk/users";
import { findLatestReconciliationRun, startReconciliationRun } from "@repo/db/reconciliation-runs";
import { testDatabaseKinds, useTestDatabase } from "@repo/db/testing";
import { findUserById } from "@repo/db/users";
import { beforeAll, describe, expect, it } from "vitest";
import { createInngestClient, type InngestClient } from "../../client.ts";
import { runFunction, silentLogger } from "../../testing/run-function.ts";
import { createReconcileFunction } from "./reconcile-function.ts";
import { startIncrementalRun } from "./reconcile-incremental.ts";
import { createIncrementalReconcileFunction } from "./reconcile-incremental-function.ts";
import { runIncrementalReconciliation, runReconciliation } from "./run-reconciliation.ts";

describe.each(testDatabaseKinds())("incremental reconciliation on %s", (kind) => {
  const t = useTestDatabase(kind);
  const stub = useClerkApiStub();
  let clerk: ReturnType<typeof createClerkClient>;
  let inngest: InngestClient;

  beforeAll(() => {
    clerk = createClerkClient({ secretKey: "sk_test_offline", apiUrl: stub.url });
    inngest = createInngestClient({ isDev: true, logger: silentLogger() });
  });

  function seedClerk(count: number): ClerkUserJson[] {
    const users = Array.from({ length: count }, () => clerkUserJson());
    for (const user of users) stub.users.set(user.id, user);
    return users;
  }

  const fullRun = () => runReconciliation({ db: t.db, clerk }, { trigger: "test", sleep: async () => {} });
  const incrementalRun = () =>
    runIncrementalReconciliation({ db: t.db, clerk }, { trigger: "test", sleep: async () => {} });
  /** The user list requests Clerk received since the last reset (each also asks /v1/users/count, see the SDK). */
  const userListRequests = () => stub.requests.filter((request) => request.startsWith("GET /v1/users?"));

  it("carries on with its own row when Inngest retries start-run after the insert committed, rather than skip and leave it running", async () => {
    await fullRun();
    const first = await startIncrementalRun(t.db, "cron", { inngestRunId: "01INNGESTRUN" });
    const retried = await startIncrementalRun(t.db, "cron", { inngestRunId: "01INNGESTRUN" });
    expect(retried).toMatchObject({ id: first?.id, since: first?.since });
    // Another Inngest run meanwhile still skips: one incremental run at a time.
    expect(await startIncrementalRun(t.db, "cron", { inngestRunId: "01OTHERRUN" })).toBeUndefined();
    const incrementalRows = await t.db
      .selectFrom("reconciliation_runs")
      .select("id")
      .where("kind", "=", "incremental")
      .execute();
    expect(incrementalRows).toEqual([{ id: first?.id }]);
  });

  it("after a full run, brings the two users changed and the one added out of 1,200 in one list request", async () => {
    const [first, second] = seedClerk(1200);
    await fullRun();
    stub.requests.length = 0;
    const now = Date.now();
    stub.users.set(first?.id ?? "", { ...(first as ClerkUserJson), first_name: "Grace", updated_at: now });
    stub.users.set(second?.id ?? "", { ...(second as ClerkUserJson), last_name: "Hopper", updated_at: now + 1 });
    const added = clerkUserJson({ created_at: now, updated_at: now });
    stub.users.set(added.id, added);

    const report = await incrementalRun();

    expect(report?.counts).toEqual({ listed: 3, created: 1, updated: 2, unchanged: 0, tombstoned: 0 });
    expect(userListRequests()).toEqual([expect.stringContaining("order_by=-updated_at")]);
    expect(stub.requests.filter((request) => /^GET \/v1\/users\/user_/.test(request))).toEqual([]);
    expect((await findUserById(t.db, first?.id ?? ""))?.first_name).toBe("Grace");
    expect((await findUserById(t.db, second?.id ?? ""))?.last_name).toBe("Hopper");
    expect((await findUserById(t.db, added.id))?.deleted_at).toBeNull();
    expect(await findLatestReconciliationRun(t.db)).toMatchObject({
      kind: "incremental",
      status: "succeeded",
      listed: 3,
      created: 1,
      updated: 2,
    });
  });

  it("costs one list request when nothing changed", async () => {
    seedClerk(600);
    await fullRun();
    stub.requests.length = 0;
    const report = await incrementalRun();
    expect(report?.counts).toEqual({ listed: 0, created: 0, updated: 0, unchanged: 0, tombstoned: 0 });
    expect(userListRequests()).toHaveLength(1);
  });

  it("tombstones nobody: a user deleted in Clerk stays until the next full run tombstones it", async () => {
    const [gone] = seedClerk(20);
    await fullRun();
    stub.users.delete(gone?.id ?? "");

    expect((await incrementalRun())?.counts.tombstoned).toBe(0);
    expect((await findUserById(t.db, gone?.id ?? ""))?.deleted_at).toBeNull();

    expect((await fullRun()).counts.tombstoned).toBe(1);
    expect((await findUserById(t.db, gone?.id ?? ""))?.deleted_at).toBeInstanceOf(Date);
  });

  /**
   * 300 users, a full run ten minutes ago, then 150 of them changed five minutes ago (two pages of changes,
   * older than any later run's cutoff): returns the changed ones, the most recently changed first.
   */
  async function changeTwoPagesAfterAFullRun(): Promise<ClerkUserJson[]> {
    const users = seedClerk(300);
    await fullRun();
    await t.db
      .updateTable("reconciliation_runs")
      .set({ started_at: new Date(Date.now() - 600_000) })
      .execute();
    const changedAt = Date.now() - 300_000;
    const changed = users.slice(0, 150).map((user, i) => ({ ...user, last_name: "Hopper", updated_at: changedAt + i }));
    for (const user of changed) stub.users.set(user.id, user);
    return changed.reverse();
  }

  /** At each of the numbered user list requests, deletes in Clerk the most recently changed user still there. */
  function deleteAFirstPageUserAtListRequests(changed: ClerkUserJson[], requestNumbers: number[]) {
    let listRequests = 0;
    stub.onRequest = (path) => {
      if (path !== "/v1/users") return;
      listRequests += 1;
      if (requestNumbers.includes(listRequests))
        stub.users.delete(changed[requestNumbers.indexOf(listRequests)]?.id ?? "");
    };
  }

  async function lastNamesInPostgres(users: ClerkUserJson[]) {
    return Promise.all(users.map(async (user) => (await findUserById(t.db, user.id))?.last_name));
  }

  it("starts its listing over when a user deleted in Clerk mid-listing moves a changed user across a page boundary", async () => {
    const changed = await changeTwoPagesAfterAFullRun();
    // While the second page is asked for, a user of the first (already read) is deleted: the list moves up by one.
    deleteAFirstPageUserAtListRequests(changed, [2]);

    const report = await incrementalRun();
    stub.onRequest = undefined;
    // The next run's cutoff is this one's start, after every change: it would not bring a user this one missed.
    await incrementalRun();

    expect(await lastNamesInPostgres(changed.slice(1))).toEqual(changed.slice(1).map(() => "Hopper"));
    expect(report).toMatchObject({ status: "succeeded" });
  });

  it("when Clerk's list moves under both listings, records the run failed so the next run reads from the same cutoff", async () => {
    const changed = await changeTwoPagesAfterAFullRun();
    deleteAFirstPageUserAtListRequests(changed, [2, 4]);

    const first = await incrementalRun();
    expect(first).toMatchObject({ status: "failed", error: expect.stringContaining("moved while it was read") });
    expect(await findLatestReconciliationRun(t.db)).toMatchObject({ status: "failed", kind: "incremental" });

    stub.onRequest = undefined;
    const next = await incrementalRun();
    expect(next).toMatchObject({ status: "succeeded", since: first?.since });
    expect(await lastNamesInPostgres(changed.slice(2))).toEqual(changed.slice(2).map(() => "Hopper"));
  });

  it("skips quietly while a full run is going, asking Clerk nothing and recording nothing", async () => {
    seedClerk(3);
    const full = await startReconciliationRun(t.db, "test");
    expect(await incrementalRun()).toBeUndefined();
    expect(stub.requests).toEqual([]);
    expect(await findLatestReconciliationRun(t.db)).toMatchObject({ id: full.id, kind: "full", status: "running" });
  });

  it("runs on app/users.reconcile.requested with mode incremental, which the full run's function leaves alone", async () => {
    seedClerk(5);
    await fullRun();
    const [user] = [...stub.users.values()];
    stub.users.set(user?.id ?? "", { ...(user as ClerkUserJson), first_name: "Grace", updated_at: Date.now() });
    const event = { name: "app/users.reconcile.requested", data: { mode: "incremental" } };

    const full = await runFunction(createReconcileFunction(inngest, { db: t.db, clerk }), event);
    expect(full).toMatchObject({ result: { status: "skipped" }, error: undefined });
    const incremental = await runFunction(createIncrementalReconcileFunction(inngest, { db: t.db, clerk }), event);
    expect(incremental).toMatchObject({ result: { status: "succeeded", listed: 1, updated: 1 }, error: undefined });
    expect((await findUserById(t.db, user?.id ?? ""))?.first_name).toBe("Grace");
    expect(await findLatestReconciliationRun(t.db)).toMatchObject({ kind: "incremental", trigger: "requested" });
  });
});
