import { createClerkClient } from "@clerk/backend";
import { clerkUserJson, useClerkApiStub } from "@repo/clerk/testing";
import { userSyncRowFromClerk } from "@repo/clerk/users";
import {
  findLatestReconciliationRun,
  ReconciliationAlreadyRunningError,
  startReconciliationRun,
} from "@repo/db/reconciliation-runs";
import { countUsers, testDatabaseKinds, truncateAll, useTestDatabase } from "@repo/db/testing";
import { findUserById, upsertUsersFromClerk } from "@repo/db/users";
import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { runReconciliation } from "./run-reconciliation.ts";

describe.each(testDatabaseKinds())("reconciliation against Clerk's Backend API on %s", (kind) => {
  const t = useTestDatabase(kind);
  const stub = useClerkApiStub();
  let clerk: ReturnType<typeof createClerkClient>;

  beforeAll(() => {
    clerk = createClerkClient({ secretKey: "sk_test_offline", apiUrl: stub.url });
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

  /** Users this app has stored (from webhooks) that Clerk's listing does not return. */
  async function seedUsersMissingFromClerk(count: number) {
    const users = Array.from({ length: count }, () => clerkUserJson());
    await upsertUsersFromClerk(t.db, users.map(userSyncRowFromClerk));
    return users;
  }

  const countTombstones = async () =>
    (await t.db.selectFrom("users").select("id").where("deleted_at", "is not", null).execute()).length;

  it("stops before any tombstone when more than 10% and more than 10 users are missing, and says why", async () => {
    seedClerk(89);
    await seedUsersMissingFromClerk(11); // 11 of 100: over both bounds
    const report = await run();
    expect(report).toMatchObject({ status: "stopped", counts: { listed: 89, tombstoned: 0 } });
    expect(report.tombstoneCheck).toMatchObject({ users: { live: 100, candidates: 11 } });
    expect(await countTombstones()).toBe(0);
    const recorded = await findLatestReconciliationRun(t.db);
    expect(recorded).toMatchObject({ status: "stopped", live_users: 100, tombstone_candidates: 11, tombstoned: 0 });
    expect(recorded?.finished_at).toBeInstanceOf(Date);
    expect(recorded?.error).toMatch(
      /^Stopped before tombstoning anyone: 11 of 100 live users \(11%\) .* more than 10% of the live users and more than 10 users\. CLERK_SECRET_KEY may belong to another Clerk instance \(development vs production keys\)/,
    );
    expect(recorded?.error).toMatch(/--allow-mass-tombstone/);
  });

  it.each([
    ["10 of 100 (not more than 10%)", 90, 10],
    ["10 of 11 (not more than 10 users)", 1, 10],
  ])("tombstones %s without stopping", async (_name, inClerk, missing) => {
    seedClerk(inClerk);
    await seedUsersMissingFromClerk(missing);
    const report = await run();
    expect(report).toMatchObject({ status: "succeeded", counts: { tombstoned: missing } });
    expect(await countTombstones()).toBe(missing);
  });

  it("tombstones past the limit when allowMassTombstone is given, and records that it was", async () => {
    seedClerk(2);
    await seedUsersMissingFromClerk(50);
    const report = await run({ allowMassTombstone: true });
    expect(report).toMatchObject({ status: "succeeded", counts: { tombstoned: 50 } });
    expect(await countTombstones()).toBe(50);
    expect(await findLatestReconciliationRun(t.db)).toMatchObject({
      status: "succeeded",
      mass_tombstone_allowed: true,
      live_users: 52,
      tombstone_candidates: 50,
    });
  });

  it("takes another limit from its options, and refuses an invalid one before recording a run", async () => {
    seedClerk(50);
    await seedUsersMissingFromClerk(20);
    expect(await run({ tombstoneLimit: { share: 0.5, minCount: 0 } })).toMatchObject({ status: "succeeded" });
    await truncateAll(t.db);
    await seedUsersMissingFromClerk(3);
    expect(await run({ tombstoneLimit: { share: 0, minCount: 2 } })).toMatchObject({ status: "stopped" });
    await truncateAll(t.db);
    await expect(run({ tombstoneLimit: { share: -0.1, minCount: 1.5 } })).rejects.toThrow(
      /Invalid reconciliation tombstone limit \(share: .*; minCount: .*\)/,
    );
    expect(await findLatestReconciliationRun(t.db)).toBeUndefined();
  });

  it("skips and names users Postgres cannot store, writes the rest of their page, and completes", async () => {
    const users = seedClerk(1200);
    const [nulName, loneSurrogate, storedBefore] = [users[3], users[700], users[1100]];
    if (!nulName || !loneSurrogate || !storedBefore) throw new Error("seed failed");
    await upsertUsersFromClerk(t.db, [userSyncRowFromClerk(storedBefore), userSyncRowFromClerk(nulName)]);
    stub.users.set(nulName.id, { ...nulName, first_name: "Ada\u0000", updated_at: nulName.updated_at + 1 });
    stub.users.set(loneSurrogate.id, { ...loneSurrogate, public_metadata: { nickname: "\uD83D" } });
    stub.users.set(storedBefore.id, { ...storedBefore, last_name: "x\u0000", updated_at: storedBefore.updated_at + 1 });
    // Clerk makes its ids, so this one is far-fetched; but a bad id must not fail the run's own record.
    const nulId = clerkUserJson({ id: "user_\u0000NulInTheId" });
    stub.users.set(nulId.id, nulId);
    // Offset paging misses it, and its look-up by id returns the same payload: still no tombstone.
    stub.hiddenFromList.add(storedBefore.id);

    const report = await run();
    expect(report.status).toBe("succeeded");
    expect(report.counts).toMatchObject({ listed: 1200, created: 1197, tombstoned: 0 });
    const recorded = await findLatestReconciliationRun(t.db);
    // A skipped user the listing returned counts as seen: only the one it missed is a candidate.
    expect(recorded).toMatchObject({ status: "succeeded", skipped: 4, tombstone_candidates: 1 });
    expect(recorded?.skipped_users).toEqual(
      expect.arrayContaining([
        {
          id: nulName.id,
          reason: "invalid user: first_name: contains a NUL character (U+0000), which Postgres cannot store",
        },
        {
          id: loneSurrogate.id,
          reason:
            "invalid user: public_metadata.nickname: contains a lone UTF-16 surrogate, which is not valid Unicode",
        },
        { id: storedBefore.id, reason: expect.stringMatching(/^invalid user: last_name: contains a NUL/) },
        { id: "user_\\u0000NulInTheId", reason: expect.stringMatching(/^invalid user: id: is not a Clerk user id/) },
      ]),
    );
    for (const kept of [nulName, storedBefore])
      expect(await findUserById(t.db, kept.id)).toMatchObject({
        deleted_at: null,
        first_name: "Ada",
        last_name: "Lovelace",
      });
    expect(await findUserById(t.db, loneSurrogate.id)).toBeUndefined();
    expect(await countUsers(t.db)).toBe(1199);

    // The next run names them again, and tombstones none of them.
    expect(await run()).toMatchObject({ status: "succeeded", counts: { tombstoned: 0 } });
    expect(await findLatestReconciliationRun(t.db)).toMatchObject({ skipped: 4 });
  });

  it("runs one at a time", async () => {
    await startReconciliationRun(t.db, "elsewhere");
    await expect(run()).rejects.toThrow(ReconciliationAlreadyRunningError);
    await sql`update reconciliation_runs set started_at = now() - interval '7 hours'`.execute(t.db);
    await expect(run()).resolves.toMatchObject({ counts: { listed: 0 } });
  });
});
