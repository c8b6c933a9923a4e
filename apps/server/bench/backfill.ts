import { createClerkClient } from "@clerk/backend";
import { clerkUserJson, startClerkApiStub } from "@repo/clerk/testing";
import { userSyncRowFromClerk } from "@repo/clerk/users";
import { openTestDatabase, truncateAll } from "@repo/db/testing";
import { upsertUsersFromClerk } from "@repo/db/users";
import { runReconciliation } from "@repo/inngest/reconcile";
import { fmt, type Row } from "./harness.ts";

/**
 * The reconciliation's write path: N users from a loopback stand-in for Clerk's Backend API into
 * Postgres, batched (one statement per 500-user page) against upserting one user at a time.
 */
export async function benchBackfill(options: { users: number }): Promise<Row[]> {
  const database = await openTestDatabase("postgres");
  const stub = await startClerkApiStub();
  try {
    for (let i = 0; i < options.users; i++) {
      const user = clerkUserJson();
      stub.users.set(user.id, user);
    }
    const clerk = createClerkClient({ secretKey: "sk_test_bench", apiUrl: stub.url });
    const full = await runReconciliation({ db: database.db, clerk }, { trigger: "bench" });

    const rows = [...stub.users.values()].map(userSyncRowFromClerk);
    await truncateAll(database.db);
    let started = performance.now();
    for (let i = 0; i < rows.length; i += 500) await upsertUsersFromClerk(database.db, rows.slice(i, i + 500));
    const batched = rows.length / ((performance.now() - started) / 1000);

    await truncateAll(database.db);
    started = performance.now();
    for (const row of rows) await upsertUsersFromClerk(database.db, [row]);
    const single = rows.length / ((performance.now() - started) / 1000);

    const n = fmt(options.users);
    return [
      {
        benchmark: "backfill",
        variant: `${n} users, full reconciliation (listing + writes)`,
        value: `${fmt(options.users / full.seconds)} users/s`,
        note: `${fmt(full.seconds, 1)} s; Clerk stand-in in the same process`,
      },
      {
        benchmark: "backfill",
        variant: `${n} users, batched upserts (500/statement)`,
        value: `${fmt(batched)} users/s`,
      },
      { benchmark: "backfill", variant: `${n} users, one upsert per user`, value: `${fmt(single)} users/s` },
      { benchmark: "backfill", variant: "ratio batched/one-at-a-time", value: `${fmt(batched / single, 1)}x` },
    ];
  } finally {
    await stub.close();
    await database.close();
  }
}
