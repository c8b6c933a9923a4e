import { createClerkClient } from "@clerk/backend";
import {
  clerkUserJson,
  countUsers,
  openTestDatabase,
  type TestDatabase,
  testDatabaseKinds,
  truncateAll,
} from "@repo/db/testing";
import {
  findLatestReconciliationRun,
  findUserById,
  ReconciliationAlreadyRunningError,
  startReconciliationRun,
  upsertUsersFromClerk,
  userSyncRowFromClerk,
} from "@repo/db/users";
import { sql } from "kysely";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type ClerkApiStub, startClerkApiStub } from "../testing/clerk-api-stub.ts";
import { runReconciliation } from "./run-reconciliation.ts";

describe.each(testDatabaseKinds())("reconciliation against Clerk's Backend API on %s", (kind) => {
  let t: TestDatabase;
  let stub: ClerkApiStub;
  let clerk: ReturnType<typeof createClerkClient>;

  beforeAll(async () => {
    t = await openTestDatabase(kind);
    stub = await startClerkApiStub();
    clerk = createClerkClient({ secretKey: "sk_test_offline", apiUrl: stub.url });
  });
  afterAll(async () => {
    await stub.close();
    await t.close();
  });
  beforeEach(async () => {
    await truncateAll(t.db);
    stub.users.clear();
    stub.hiddenFromList.clear();
    stub.requests.length = 0;
    stub.onRequest = undefined;
    stub.failNext(0, 500);
  });

  function seedClerk(count: number) {
    for (let i = 0; i < count; i++) {
      const user = clerkUserJson();
      stub.users.set(user.id, user);
    }
    return [...stub.users.values()];
  }

  /** The users table says exactly what the stub says, user for user. */
  async function expectDatabaseEqualsClerk() {
    const rows = await t.db
      .selectFrom("users")
      .select(["id", "email", "clerk_updated_at"])
      .where("deleted_at", "is", null)
      .execute();
    expect(rows.length).toBe(stub.users.size);
    for (const row of rows) {
      const user = stub.users.get(row.id);
      expect(user, `${row.id} is not in Clerk`).toBeDefined();
      expect(row.clerk_updated_at?.getTime()).toBe(user?.updated_at);
    }
  }

  const run = (options: Partial<Parameters<typeof runReconciliation>[1]> = {}) =>
    runReconciliation({ db: t.db, clerk }, { trigger: "test", sleep: async () => {}, ...options });

  it.each([0, 1, 500, 1001])(
    "with %i users in Clerk (page-size edges), ends equal, and a rerun changes nothing",
    async (count) => {
      seedClerk(count);
      const first = await run();
      expect(first.counts).toMatchObject({ listed: count, created: count, updated: 0, tombstoned: 0 });
      await expectDatabaseEqualsClerk();
      const second = await run();
      expect(second.counts).toEqual({ listed: count, created: 0, updated: 0, unchanged: count, tombstoned: 0 });
    },
  );

  it("with 10,000 users, ends equal to Clerk in 20 batched pages; a second run changes nothing", async () => {
    seedClerk(10_000);
    const first = await run();
    expect(first.counts).toMatchObject({ listed: 10_000, created: 10_000 });
    expect(stub.requests.filter((r) => r.startsWith("GET /v1/users?"))).toHaveLength(21);
    await expectDatabaseEqualsClerk();
    expect((await run()).counts).toEqual({ listed: 10_000, created: 0, updated: 0, unchanged: 10_000, tombstoned: 0 });
    expect(await findLatestReconciliationRun(t.db)).toMatchObject({ status: "succeeded", listed: 10_000, created: 0 });
  });

  it("does not overwrite a user a webhook updated with newer data during the run", async () => {
    const users = seedClerk(1200);
    const late = users[1100];
    if (!late) throw new Error("seed failed");
    const newer = { ...late, first_name: "From the webhook", updated_at: late.updated_at + 5_000 };
    stub.onRequest = async (path) => {
      if (path !== "/v1/users" || (await countUsers(t.db)) === 0) return;
      await upsertUsersFromClerk(t.db, [userSyncRowFromClerk(newer)]); // lands between pages 1 and 3
      stub.onRequest = undefined;
    };
    const report = await run();
    expect((await findUserById(t.db, late.id))?.first_name).toBe("From the webhook");
    expect(report.counts.unchanged).toBeGreaterThanOrEqual(1);
  });

  it("waits as long as a 429 asks, then finishes correctly", async () => {
    seedClerk(1200);
    const waits: number[] = [];
    stub.failNext(1, 429, { retryAfterSeconds: 3, afterRequests: 2 });
    const report = await run({ sleep: async (ms) => void waits.push(ms) });
    expect(waits).toEqual([3000]);
    expect(report.counts.listed).toBe(1200);
    await expectDatabaseEqualsClerk();
  });

  it("tombstones nobody when the listing fails part-way, and a rerun completes the work", async () => {
    seedClerk(1200);
    const gone = clerkUserJson();
    await upsertUsersFromClerk(t.db, [userSyncRowFromClerk(gone)]); // deleted in Clerk, webhook lost
    stub.failNext(50, 500, { afterRequests: 2 });
    await expect(run()).rejects.toThrow();
    expect((await findUserById(t.db, gone.id))?.deleted_at).toBeNull();
    expect(await findLatestReconciliationRun(t.db)).toMatchObject({ status: "failed" });

    stub.failNext(0, 500);
    const rerun = await run();
    expect(rerun.counts.tombstoned).toBe(1);
    expect((await findUserById(t.db, gone.id))?.deleted_at).toBeInstanceOf(Date);
    await expectDatabaseEqualsClerk();
  });

  it("tombstones a user deleted in Clerk, but not one the paged list skipped", async () => {
    const [kept, skipped] = seedClerk(3);
    if (!kept || !skipped) throw new Error("seed failed");
    await run();
    const deletedInClerk = kept.id;
    stub.users.delete(deletedInClerk);
    stub.hiddenFromList.add(skipped.id); // still in Clerk, but offset paging missed it this time
    const report = await run();
    expect(report.counts.tombstoned).toBe(1);
    expect((await findUserById(t.db, deletedInClerk))?.deleted_at).toBeInstanceOf(Date);
    expect((await findUserById(t.db, skipped.id))?.deleted_at).toBeNull();
  });

  it("runs one at a time", async () => {
    await startReconciliationRun(t.db, "elsewhere");
    await expect(run()).rejects.toThrow(ReconciliationAlreadyRunningError);
    await sql`update reconciliation_runs set started_at = now() - interval '7 hours'`.execute(t.db);
    await expect(run()).resolves.toMatchObject({ counts: { listed: 0 } });
  });
});
