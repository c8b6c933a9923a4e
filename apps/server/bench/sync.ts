import { clerkUserJson } from "@repo/clerk/testing";
import { userSyncRowFromClerk } from "@repo/clerk/users";
import { openTestDatabase } from "@repo/db/testing";
import { upsertUsersFromClerk } from "@repo/db/users";
import { INNGEST_APP_ID } from "@repo/inngest/client";
import { createTestClerkInstance } from "../src/testing/clerk-session.ts";
import { driveInngestRun } from "../src/testing/inngest-stubs.ts";
import { TEST_INNGEST_SIGNING_KEY } from "../src/testing/test-server.ts";
import { fmt, measureOn, type Row, startTarget } from "./harness.ts";

/**
 * User events through the HTTP /api/inngest endpoint, signed as Inngest signs them, into Postgres: each
 * event is two calls (run the step, then finish), as Inngest's executor makes them. Beside it, what the
 * database alone does with the same rows, and where an event's time goes.
 */
export async function benchSync(options: { events: number; concurrency: number }): Promise<Row[]> {
  const database = await openTestDatabase("postgres");
  const clerk = createTestClerkInstance();
  const target = await startTarget("app", {
    BENCH_PUBLISHABLE_KEY: clerk.publishableKey,
    BENCH_JWT_KEY: clerk.jwtKey,
    BENCH_ORIGIN: "http://localhost:5173",
    BENCH_USER_ID: "user_2benchmarkUser000000000000",
    BENCH_DATABASE_URL: database.databaseUrl as string,
  });
  try {
    const drive = (user: ReturnType<typeof clerkUserJson>) =>
      driveInngestRun({
        serveUrl: `${target.url}/api/inngest`,
        appId: INNGEST_APP_ID,
        functionId: "upsert-clerk-user",
        event: { name: "clerk/user.created", data: user },
        signingKey: TEST_INNGEST_SIGNING_KEY,
      }).then((run) => {
        if (run.status !== 200) throw new Error(`run failed with ${run.status}: ${JSON.stringify(run.body)}`);
      });

    // Warm up, then one event at a time for latency, then concurrently for throughput.
    for (let i = 0; i < 200; i++) await drive(clerkUserJson());
    const sequential = 500;
    const oneAtATime = await measureOn(target, async () => {
      for (let i = 0; i < sequential; i++) await drive(clerkUserJson());
    });
    const msPerEvent = oneAtATime.ms / sequential;

    const users = Array.from({ length: options.events }, () => clerkUserJson());
    let next = 0;
    const concurrently = await measureOn(target, () =>
      Promise.all(
        Array.from({ length: options.concurrency }, async () => {
          while (next < users.length) await drive(users[next++] as (typeof users)[number]);
        }),
      ),
    );
    const eventsPerSecond = options.events / (concurrently.ms / 1000);

    // HTTP floor: the same server answering a request that does no work (404 under /api).
    let started = performance.now();
    for (let i = 0; i < sequential; i++) await fetch(`${target.url}/api/nothing`).then((r) => r.arrayBuffer());
    const msPerHttpCall = (performance.now() - started) / sequential;

    // The database alone: the same upsert one row at a time, and batched 500 rows a statement.
    const rows = Array.from({ length: options.events }, () => userSyncRowFromClerk(clerkUserJson()));
    started = performance.now();
    for (const row of rows.slice(0, sequential)) await upsertUsersFromClerk(database.db, [row]);
    const msPerUpsert = (performance.now() - started) / sequential;
    started = performance.now();
    for (let i = 0; i < rows.length; i += 500) await upsertUsersFromClerk(database.db, rows.slice(i, i + 500));
    const batchedRowsPerSecond = rows.length / ((performance.now() - started) / 1000);

    const sdkMs = Math.max(0, msPerEvent - 2 * msPerHttpCall - msPerUpsert);
    return [
      {
        benchmark: "sync",
        variant: `${fmt(options.events)} events over HTTP /api/inngest, ${options.concurrency} at a time`,
        value: `${fmt(eventsPerSecond)} events/s`,
        cpu: `${fmt(concurrently.cpuMicros / options.events)} µs/event`,
        note: "2 signed calls per event",
      },
      {
        benchmark: "sync",
        variant: "database ceiling: batched upserts (500/statement)",
        value: `${fmt(batchedRowsPerSecond)} rows/s`,
      },
      {
        benchmark: "sync",
        variant: "one event, end to end (sequential)",
        value: `${fmt(msPerEvent, 2)} ms`,
        cpu: `${fmt(oneAtATime.cpuMicros / sequential)} µs/event`,
      },
      {
        benchmark: "sync",
        variant: "  of which HTTP (2 round trips)",
        value: `${fmt(2 * msPerHttpCall, 2)} ms`,
        note: `${fmt((200 * msPerHttpCall) / msPerEvent)}%`,
      },
      {
        benchmark: "sync",
        variant: "  of which database (1 upsert)",
        value: `${fmt(msPerUpsert, 2)} ms`,
        note: `${fmt((100 * msPerUpsert) / msPerEvent)}%`,
      },
      {
        benchmark: "sync",
        variant: "  of which Inngest SDK (signature, execution)",
        value: `${fmt(sdkMs, 2)} ms`,
        note: `${fmt((100 * sdkMs) / msPerEvent)}%`,
      },
    ];
  } finally {
    await target.stop();
    await database.close();
  }
}
