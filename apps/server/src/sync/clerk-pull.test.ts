import { createClerkClient } from "@clerk/backend";
import { clerkUserJson, useClerkApiStub } from "@repo/clerk/testing";
import { findLatestReconciliationRun, startReconciliationRun } from "@repo/db/reconciliation-runs";
import { openTestDatabase, type TestDatabase, testDatabaseKinds, useTestDatabase } from "@repo/db/testing";
import { findUserById } from "@repo/db/users";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createCapturedLogger } from "../testing/captured-logger.ts";
import { startServerProcess } from "../testing/server-process.ts";
import { type ClerkPull, type ClerkPullSchedule, startClerkPull } from "./clerk-pull.ts";

describe.each(testDatabaseKinds())("the development pull, in this process, on %s", (kind) => {
  const t = useTestDatabase(kind);
  const stub = useClerkApiStub();
  let pull: ClerkPull | undefined;
  let log: ReturnType<typeof createCapturedLogger>;

  const start = (schedule: ClerkPullSchedule) => {
    log = createCapturedLogger("debug");
    const clerk = createClerkClient({ secretKey: "sk_test_offline", apiUrl: stub.url });
    pull = startClerkPull({ db: t.db, clerk }, schedule, log.logger);
    return pull;
  };
  const runs = () => t.db.selectFrom("reconciliation_runs").selectAll().orderBy("id").execute();
  /** How long stop() took, or "hung" after 3 s. */
  const timeStop = async (running: ClerkPull) => {
    const startedAt = Date.now();
    const hung = new Promise<"hung">((resolve) => setTimeout(() => resolve("hung"), 3_000).unref());
    return (await Promise.race([running.stop().then(() => Date.now() - startedAt), hung])) as number | "hung";
  };

  afterEach(async () => {
    await pull?.stop();
    pull = undefined;
  });

  it("stops within moments while Clerk asks it to wait ten minutes (429, Retry-After: 600), recording the run as failed", async () => {
    stub.users.set("user_1", clerkUserJson({ id: "user_1" }));
    stub.failNext(1, 429, { retryAfterSeconds: 600 });
    const running = start({ incrementalMs: 60_000, fullMs: 600_000 });
    await vi.waitFor(() => expect(stub.requests.length).toBeGreaterThan(0));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await timeStop(running)).toBeLessThan(1_000);
    expect(await runs()).toMatchObject([
      { trigger: "pull", status: "failed", error: expect.stringMatching(/^stopped/) },
    ]);
  });

  it("stops within moments while Clerk does not answer", async () => {
    stub.onRequest = () => new Promise<void>(() => {});
    const running = start({ incrementalMs: 60_000, fullMs: 600_000 });
    await vi.waitFor(() => expect(stub.requests.length).toBeGreaterThan(0));
    expect(await timeStop(running)).toBeLessThan(1_000);
    expect(await runs()).toMatchObject([{ status: "failed" }]);
  });

  it("ends its own run an earlier server left running, but not Inngest's, and pulls", async () => {
    const leftOver = await startReconciliationRun(t.db, "pull");
    const inngestRun = await startReconciliationRun(t.db, "inngest", { kind: "incremental" });
    const user = clerkUserJson();
    stub.users.set(user.id, user);
    start({ incrementalMs: 60_000, fullMs: 600_000 });
    await vi.waitFor(async () => expect(await findUserById(t.db, user.id)).toBeDefined(), { timeout: 5_000 });
    const rows = await runs();
    expect(rows.find((row) => row.id === leftOver.id)).toMatchObject({
      status: "failed",
      error: expect.stringMatching(/^interrupted/),
    });
    expect(rows.find((row) => row.id === inngestRun.id)).toMatchObject({ status: "running" });
  });

  it("says why Clerk's changes are not pulled while a full run is going", async () => {
    const fullRun = await startReconciliationRun(t.db, "inngest");
    start({ incrementalMs: 20, fullMs: 600_000 });
    await vi.waitFor(() =>
      expect(log.entries).toContainEqual(
        expect.objectContaining({
          msg: "pulling Clerk's changes waits: a full reconciliation is running",
          runId: fullRun.id,
        }),
      ),
    );
  });

  it("while Clerk keeps failing, waits longer each time (up to the full interval) and logs the failure once", async () => {
    stub.failNext(10_000, 500);
    start({ incrementalMs: 50, fullMs: 400 });
    await new Promise((resolve) => setTimeout(resolve, 1_600));
    const failed = (await runs()).length;
    // Every 50 ms would be 30 or so; doubling from 100 ms to 400 ms makes 6 (1 + 100, 200, 400, 400, 400 ms).
    expect(failed).toBeGreaterThanOrEqual(3);
    expect(failed).toBeLessThanOrEqual(8);
    const warnings = () => log.entries.filter((entry) => entry.level === 40);
    expect(warnings()).toHaveLength(1);

    stub.failNext(0, 500);
    await vi.waitFor(async () => expect((await runs()).at(-1)?.status).toBe("succeeded"), { timeout: 3_000 });
    await vi.waitFor(() => expect(warnings()).toHaveLength(2));
    expect(warnings()[1]).toMatchObject({ times: expect.any(Number) });
    expect((warnings()[1]?.times as number) + 1).toBeGreaterThanOrEqual(failed);
  });
});

// The server as `pnpm dev` runs it, in its own process, against the Clerk stub: Clerk cannot reach
// localhost, so the server pulls. Postgres only: the test reads the tables while the server runs, and
// PGlite allows one process at a time.
describe.runIf(testDatabaseKinds().includes("postgres"))("the development server's pull from Clerk on postgres", () => {
  const stub = useClerkApiStub();
  let t: TestDatabase;

  beforeAll(async () => {
    t = await openTestDatabase("postgres");
  });
  afterAll(async () => {
    await t.close();
  });

  it("picks up a user changed in Clerk within the interval, and a deletion at the next full run", async () => {
    const [changed, deleted] = [clerkUserJson(), clerkUserJson()];
    for (const user of [changed, deleted]) stub.users.set(user.id, user);
    const server = startServerProcess({
      DATABASE_URL: t.databaseUrl ?? "",
      CLERK_SECRET_KEY: "sk_test_localDevelopment",
      CLERK_API_URL: stub.url,
      RECONCILE_PULL_INCREMENTAL_MS: "1000",
      RECONCILE_PULL_FULL_MS: "4000",
    });
    try {
      await server.listening;
      // The first pull is a full one: it brings every user.
      await vi.waitFor(async () => expect(await findUserById(t.db, deleted.id)).toBeDefined(), { timeout: 10_000 });

      stub.users.set(changed.id, { ...changed, first_name: "Grace", updated_at: Date.now() });
      const changedAt = Date.now();
      await vi.waitFor(async () => expect((await findUserById(t.db, changed.id))?.first_name).toBe("Grace"), {
        timeout: 5_000,
        interval: 100,
      });
      // Within the incremental interval (1 s), give or take a run and a loaded machine.
      expect(Date.now() - changedAt).toBeLessThan(4_000);

      stub.users.delete(deleted.id);
      await vi.waitFor(async () => expect((await findUserById(t.db, deleted.id))?.deleted_at).toBeInstanceOf(Date), {
        timeout: 15_000,
        interval: 200,
      });
      expect(await findLatestReconciliationRun(t.db)).toMatchObject({ trigger: "pull" });
    } finally {
      server.child.kill("SIGTERM");
    }
    expect(await server.exited).toBe(0);
    expect(server.output()).toContain("pulling users, organizations and memberships from Clerk");
  });
});
