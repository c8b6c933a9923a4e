import { clerkUserJson } from "@repo/clerk/testing";
import { type ClerkUserJson, userSyncRowFromClerk } from "@repo/clerk/users";
import type { Db } from "@repo/db/client";
import { openTestDatabase } from "@repo/db/testing";
import { upsertUsersFromClerk } from "@repo/db/users";
import { INNGEST_APP_ID } from "@repo/inngest/client";
import { sql } from "kysely";
import { createTestClerkInstance } from "../src/testing/clerk-session.ts";
import { driveInngestRun, type SentEvent } from "../src/testing/inngest-stubs.ts";
import { TEST_INNGEST_SIGNING_KEY } from "../src/testing/test-server.ts";
import { fmt, measureOn, type Row, startTarget } from "./harness.ts";

/** The batch sizes compared: one event a run (no batching), then batches as Inngest makes them. */
const BATCH_SIZES = [1, 10, 50, 100] as const;

/** One event a run is slow: it gets this many events of the burst, enough for a steady rate. */
const UNBATCHED_EVENTS = 2_000;

/** A user's history in the burst: created, then updated; some events delivered twice. */
type History = { created: ClerkUserJson; updated: ClerkUserJson };

/** A deterministic shuffle (mulberry32), so every run of the bench delivers the same burst. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  let state = seed;
  const random = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/**
 * The burst as the network delivers it: every user's created and updated events, one in ten users'
 * events twice, shuffled (so about half the updates come before their creation), under ids in `prefix`.
 */
function burstOf(histories: readonly History[], prefix: string): SentEvent[] {
  const events = histories.flatMap(({ created, updated }, n) => {
    const id = `user_${prefix}X${n}`;
    const pair: SentEvent[] = [
      { name: "clerk/user.created", data: { ...created, id } },
      { name: "clerk/user.updated", data: { ...updated, id } },
    ];
    return n % 10 === 0 ? [...pair, ...pair] : pair;
  });
  return shuffled(events, 22).map((event, index) => ({ ...event, id: `evt_${prefix}${index}` }));
}

/** The share of updates delivered before their user's creation. */
function shareOfUpdatesFirst(burst: readonly SentEvent[]): number {
  const created = new Set<unknown>();
  let updates = 0;
  let early = 0;
  for (const event of burst) {
    if (event.name === "clerk/user.created") created.add(event.data.id);
    else {
      updates += 1;
      if (!created.has(event.data.id)) early += 1;
    }
  }
  return early / updates;
}

/** The users under `prefix` as a reader of the app sees them, by their number in the burst. */
async function observableUsers(db: Db, prefix: string): Promise<Map<string, string>> {
  const rows = await db
    .selectFrom("users")
    .select(["id", "email", "username", "first_name", "last_name", "image_url", "clerk_updated_at", "deleted_at"])
    .select(sql<string>`public_metadata::text`.as("metadata"))
    .where("id", "like", `user_${prefix}X%`)
    .execute();
  return new Map(rows.map(({ id, ...row }) => [id.slice(`user_${prefix}X`.length), JSON.stringify(row)]));
}

/**
 * Sync events through the HTTP /api/inngest endpoint, signed as Inngest signs them, into Postgres: a
 * burst of users created, updated (about half before their creation) and duplicated, delivered one
 * event a run and in batches of 10, 50 and 100, 8 runs at a time. At the end, every row is compared with
 * the one in-order delivery leaves. Beside it, what the database alone does, and where one event's
 * time goes.
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
    const drive = async (batch: SentEvent[]) => {
      const run = await driveInngestRun({
        serveUrl: `${target.url}/api/inngest`,
        appId: INNGEST_APP_ID,
        functionId: "upsert-clerk-user",
        event: batch[0] as SentEvent,
        batch,
        signingKey: TEST_INNGEST_SIGNING_KEY,
      });
      if (run.status !== 200) throw new Error(`run failed with ${run.status}: ${JSON.stringify(run.body)}`);
      return run.calls;
    };

    // The same histories for every variant, each under ids of its own.
    const histories: History[] = Array.from({ length: Math.ceil(options.events / 2.2) }, () => {
      const created = clerkUserJson();
      return { created, updated: { ...created, first_name: "Updated", updated_at: created.updated_at + 1_000 } };
    });
    // In-order delivery, for reference: each user's creation, then its update, then the duplicates.
    const reference = burstOf(histories, "ref");
    for (const name of ["clerk/user.created", "clerk/user.updated"]) {
      const rows = reference.filter((e) => e.name === name).map((e) => userSyncRowFromClerk(e.data as ClerkUserJson));
      for (let i = 0; i < rows.length; i += 500) await upsertUsersFromClerk(database.db, rows.slice(i, i + 500));
    }
    const expected = await observableUsers(database.db, "ref");

    // Warm up (JIT, pools) with batches of every size.
    for (const size of BATCH_SIZES) {
      const warmUp = burstOf(histories.slice(0, 200), `warm${size}`);
      for (let i = 0; i < warmUp.length; i += size) await drive(warmUp.slice(i, i + size));
    }

    const rows: Row[] = [];
    let cpuPerEventUnbatched = 0;
    for (const size of BATCH_SIZES) {
      const prefix = `b${size}`;
      const burst = burstOf(size === 1 ? histories.slice(0, Math.ceil(UNBATCHED_EVENTS / 2.2)) : histories, prefix);
      const batches: SentEvent[][] = [];
      for (let i = 0; i < burst.length; i += size) batches.push(burst.slice(i, i + size));
      let next = 0;
      let calls = 0;
      const measured = await measureOn(target, () =>
        Promise.all(
          Array.from({ length: options.concurrency }, async () => {
            for (let batch = batches[next++]; batch; batch = batches[next++]) {
              const callsOfRun = await drive(batch);
              calls += callsOfRun;
            }
          }),
        ),
      );
      const written = await observableUsers(database.db, prefix);
      const wrong = [...written].filter(([n, row]) => expected.get(n) !== row).length;
      const missing = [...new Set(burst.map((e) => String(e.data.id).slice(`user_${prefix}X`.length)))].filter(
        (n) => !written.has(n),
      ).length;
      const cpuPerEvent = measured.cpuMicros / burst.length;
      if (size === 1) cpuPerEventUnbatched = cpuPerEvent;
      rows.push({
        benchmark: "sync",
        variant: size === 1 ? "one event a run (no batching)" : `batches of ${size}`,
        value: `${fmt(burst.length / (measured.ms / 1000))} events/s`,
        cpu: `${fmt(cpuPerEvent)} µs/event`,
        note: [
          `${fmt(burst.length)} events (${fmt(100 * shareOfUpdatesFirst(burst))}% of updates before their creation)`,
          `${fmt(calls / burst.length, 3)} calls and ${fmt(calls / burst.length, 3)} executions per event`,
          size === 1 ? "" : `${fmt(cpuPerEventUnbatched / cpuPerEvent, 1)}x events per CPU-second`,
          wrong + missing === 0 ? "every row as in-order delivery" : `${wrong} rows differ, ${missing} missing`,
        ]
          .filter(Boolean)
          .join("; "),
      });
      if (wrong + missing > 0) throw new Error(`batches of ${size}: ${wrong} rows differ, ${missing} missing`);
    }

    // One event at a time, end to end, and its parts: the HTTP floor (the same server answering a
    // request that does no work, 404 under /api) and the upsert alone.
    const sequential = 300;
    const single = burstOf(histories.slice(0, sequential), "seq").slice(0, sequential);
    const oneAtATime = await measureOn(target, async () => {
      for (const event of single) await drive([event]);
    });
    const msPerEvent = oneAtATime.ms / sequential;
    let started = performance.now();
    for (let i = 0; i < sequential; i++) await fetch(`${target.url}/api/nothing`).then((r) => r.arrayBuffer());
    const msPerHttpCall = (performance.now() - started) / sequential;
    const upserts = histories.map(({ created }) => userSyncRowFromClerk(created));
    started = performance.now();
    for (const row of upserts.slice(0, sequential)) await upsertUsersFromClerk(database.db, [row]);
    const msPerUpsert = (performance.now() - started) / sequential;
    started = performance.now();
    for (let i = 0; i < upserts.length; i += 500) await upsertUsersFromClerk(database.db, upserts.slice(i, i + 500));
    const batchedRowsPerSecond = upserts.length / ((performance.now() - started) / 1000);
    const sdkMs = Math.max(0, msPerEvent - msPerHttpCall - msPerUpsert);

    return [
      ...rows,
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
        note: "1 signed call",
      },
      {
        benchmark: "sync",
        variant: "  of which HTTP (1 round trip)",
        value: `${fmt(msPerHttpCall, 2)} ms`,
        note: `${fmt((100 * msPerHttpCall) / msPerEvent)}%`,
      },
      {
        benchmark: "sync",
        variant: "  of which database (1 upsert)",
        value: `${fmt(msPerUpsert, 2)} ms`,
        note: `${fmt((100 * msPerUpsert) / msPerEvent)}%`,
      },
      {
        benchmark: "sync",
        variant: "  of which Inngest SDK and our handler",
        value: `${fmt(sdkMs, 2)} ms`,
        note: `${fmt((100 * sdkMs) / msPerEvent)}%`,
      },
    ];
  } finally {
    await target.stop();
    await database.close();
  }
}
