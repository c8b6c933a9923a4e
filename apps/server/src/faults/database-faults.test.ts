import { clerkUserJson } from "@repo/clerk/testing";
import { userSyncRowFromClerk } from "@repo/clerk/users";
import { createDb, type Db } from "@repo/db/client";
import type { PostgresTimeouts } from "@repo/db/env";
import {
  type PostgresProxy,
  startPostgresProxy,
  testDatabaseKinds,
  uncaughtErrorsDuring,
  useTestDatabase,
} from "@repo/db/testing";
import { findUserById, type User, upsertUsersFromClerk } from "@repo/db/users";
import { INNGEST_APP_ID } from "@repo/inngest/client";
import { sql } from "kysely";
import { pino } from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createTestClerkInstance, signSessionToken } from "../testing/clerk-session.ts";
import { driveInngestRun, type SentEvent } from "../testing/inngest-stubs.ts";
import { startServerProcess } from "../testing/server-process.ts";
import { startTestServer, TEST_INNGEST_SIGNING_KEY, TEST_WEB_ORIGIN, type TestServer } from "../testing/test-server.ts";
import { callTrpc } from "../testing/trpc-http.ts";

const clerk = createTestClerkInstance();

/** Small timeouts keep the suite quick; production defaults are 5 s and 10 s. */
const FAST: PostgresTimeouts = { connectTimeoutMs: 300, statementTimeoutMs: 300 };

/** Settles `promise`, and says how long that took. */
async function timed<T>(promise: Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await promise;
  return { ms: performance.now() - started, value };
}

/** The row a user of this app would see, without its id and the bookkeeping timestamps of our writes. */
function observable(row: User | undefined) {
  if (!row) return undefined;
  const { id, created_at, updated_at, synced_at, deleted_at, ...rest } = row;
  return { ...rest, deleted: deleted_at !== null };
}

/** One user's history as Clerk produces it, under the given id: created, updated twice, maybe deleted. */
function userHistory(user: ReturnType<typeof clerkUserJson>, id: string, deleted: boolean): SentEvent[] {
  const created = { ...user, id };
  const renamed = { ...created, first_name: "Augusta", updated_at: created.updated_at + 1_000 };
  const upgraded = { ...renamed, public_metadata: { plan: "pro" }, updated_at: created.updated_at + 2_000 };
  const events: SentEvent[] = [
    { name: "clerk/user.created", data: created },
    { name: "clerk/user.updated", data: renamed },
    { name: "clerk/user.updated", data: upgraded },
  ];
  if (deleted) events.push({ name: "clerk/user.deleted", data: { id, object: "user", deleted: true } });
  return events;
}

describe.runIf(testDatabaseKinds().includes("postgres"))("database faults on postgres", () => {
  const t = useTestDatabase("postgres");
  let proxy: PostgresProxy;
  const cleanups: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    proxy = await startPostgresProxy();
  });
  afterEach(async () => {
    proxy.restore();
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  afterAll(() => proxy.close());

  /** The real app, in this process, on a database handle whose connections go through the proxy. */
  const startServerThroughProxy = async (timeouts: PostgresTimeouts): Promise<TestServer & { db: Db }> => {
    const logger = pino({ level: "silent" });
    const db = await createDb(
      { kind: "postgres", databaseUrl: proxy.proxiedUrl(t.databaseUrl as string), timeouts },
      { logger },
    );
    cleanups.push(() => db.destroy());
    const server = await startTestServer({ db, clerk, logger });
    cleanups.push(() => server.close());
    return { ...server, db };
  };

  it("cut while idle: the server process survives, /healthz is 503 during the cut and 200 once restored", async () => {
    const server = startServerProcess({
      DATABASE_URL: proxy.proxiedUrl(t.databaseUrl as string),
      DATABASE_CONNECT_TIMEOUT_MS: String(FAST.connectTimeoutMs),
      DATABASE_STATEMENT_TIMEOUT_MS: String(FAST.statementTimeoutMs),
    });
    cleanups.push(async () => {
      server.child.kill("SIGTERM");
      await server.exited;
    });
    const url = await server.listening;
    // The health check leaves a connection idle in the pool: the one the cut drops.
    expect((await fetch(`${url}/healthz`)).status).toBe(200);

    proxy.cut();
    const during = await timed(fetch(`${url}/healthz`));
    expect(during.value.status).toBe(503);
    expect(during.ms).toBeLessThan(2_000);
    expect(await during.value.json()).toMatchObject({ status: "unavailable", database: "down" });

    proxy.restore();
    const after = await fetch(`${url}/healthz`);
    expect(after.status).toBe(200);
    expect(server.child.exitCode).toBeNull();
    // The child writes its log asynchronously: wait for the line rather than race it.
    await expect.poll(() => server.output()).toMatch(/connected to postgres \S+ again/);
    expect(server.output().match(/lost the connection to postgres/g)).toHaveLength(1);
  });

  it("cut in the middle of a burst of sync events: once restored, retried runs leave every row as in-order delivery", async () => {
    const server = await startServerThroughProxy(FAST);
    const run = (event: SentEvent) =>
      driveInngestRun({
        serveUrl: `${server.url}/api/inngest`,
        appId: INNGEST_APP_ID,
        functionId: event.name === "clerk/user.deleted" ? "tombstone-clerk-user" : "upsert-clerk-user",
        event,
        signingKey: TEST_INNGEST_SIGNING_KEY,
      });

    // Reference: the same histories delivered one event at a time, in order, with the database up.
    const users = [0, 1, 2, 3, 4, 5].map((n) => ({ n, user: clerkUserJson(), deleted: n % 3 === 0 }));
    for (const { n, user, deleted } of users) {
      for (const event of userHistory(user, `user_inOrder${n}`, deleted)) {
        expect((await run(event)).status).toBe(200);
      }
    }

    // The burst: every event of every user at once. When a third of the runs have finished, the proxy drops
    // every connection and refuses new ones until runs have failed on it for 300 ms (at most 5 s: on a
    // loaded machine the next database call may come late). A run that fails is retried once the
    // database is back, as Inngest retries a failed step later.
    const burst = users.flatMap(({ n, user, deleted }) => userHistory(user, `user_burst${n}`, deleted));
    let finished = 0;
    let markRestored: () => void = () => {};
    const restored = new Promise<void>((resolve) => {
      markRestored = resolve;
    });
    let restoreScheduled = false;
    const restoreIn = (ms: number) => {
      if (restoreScheduled) return;
      restoreScheduled = true;
      setTimeout(() => {
        proxy.restore();
        markRestored();
      }, ms);
    };
    let fallback: NodeJS.Timeout | undefined;
    const failures: Array<{ status: number; noRetry: boolean; ms: number }> = [];
    const deliver = async (event: SentEvent) => {
      for (let attempt = 1; attempt <= 5; attempt++) {
        const { ms, value: result } = await timed(run(event));
        if (result.status === 200) break;
        failures.push({ status: result.status, noRetry: result.noRetry, ms });
        restoreIn(300);
        await restored;
      }
      finished += 1;
      if (finished === Math.floor(burst.length / 3)) {
        proxy.cut();
        fallback = setTimeout(() => restoreIn(0), 5_000);
      }
    };
    const uncaught = await uncaughtErrorsDuring(async () => {
      await Promise.all(burst.map(deliver));
    });
    clearTimeout(fallback);

    expect(uncaught).toEqual([]);
    // The cut hit runs in flight; each failed at once, and as one Inngest retries.
    expect(failures.length).toBeGreaterThan(0);
    for (const failure of failures) {
      expect(failure.noRetry).toBe(false);
      expect(failure.ms).toBeLessThan(2_000);
    }
    for (const { n } of users) {
      const expected = observable(await findUserById(t.db, `user_inOrder${n}`));
      expect(expected).toBeDefined();
      expect(observable(await findUserById(t.db, `user_burst${n}`))).toEqual(expected);
    }
  });

  it("cut while a batch is being written: the whole run fails as one Inngest retries, and its retry ends as in-order delivery", async () => {
    const server = await startServerThroughProxy(FAST);
    const runBatch = (functionId: string, batch: SentEvent[]) =>
      driveInngestRun({
        serveUrl: `${server.url}/api/inngest`,
        appId: INNGEST_APP_ID,
        functionId,
        event: batch[0] as SentEvent,
        batch,
        signingKey: TEST_INNGEST_SIGNING_KEY,
      });
    const functionOf = (event: SentEvent) =>
      event.name === "clerk/user.deleted" ? "tombstone-clerk-user" : "upsert-clerk-user";

    // Reference: the same histories delivered one event a run, in order, with the database up.
    const users = Array.from({ length: 30 }, (_, n) => ({ n, user: clerkUserJson(), deleted: n % 3 === 0 }));
    for (const { n, user, deleted } of users) {
      for (const event of userHistory(user, `user_inOrder${n}`, deleted)) {
        expect((await runBatch(functionOf(event), [event])).status).toBe(200);
      }
    }

    // The burst, as Inngest batches it: every upsert in one run (newest first, so each update comes
    // before its creation), every delete in another.
    const burst = users.flatMap(({ n, user, deleted }) => userHistory(user, `user_burst${n}`, deleted)).reverse();
    const upserts = burst.filter((event) => functionOf(event) === "upsert-clerk-user");
    const deletes = burst.filter((event) => functionOf(event) === "tombstone-clerk-user");
    // The database stops answering with the batch's statement on its way, then drops every connection.
    proxy.stall();
    const inFlight = timed(runBatch("upsert-clerk-user", upserts));
    await new Promise((resolve) => setTimeout(resolve, 200));
    proxy.cut();
    const { ms, value: failed } = await inFlight;
    expect(failed.status).toBe(500);
    expect(failed.noRetry).toBe(false);
    expect(ms).toBeLessThan(2_000);
    expect(await findUserById(t.db, "user_burst1")).toBeUndefined();

    // Inngest retries the same batch once the database is back.
    proxy.restore();
    expect((await runBatch("upsert-clerk-user", upserts)).status).toBe(200);
    expect((await runBatch("tombstone-clerk-user", deletes)).status).toBe(200);
    for (const { n } of users) {
      const expected = observable(await findUserById(t.db, `user_inOrder${n}`));
      expect(expected).toBeDefined();
      expect(observable(await findUserById(t.db, `user_burst${n}`))).toEqual(expected);
    }
  });

  it("stall: /healthz answers 503 within 2 s and user.me fails within its bound, and both recover", async () => {
    // A statement timeout longer than /healthz's own deadline: the health check must not wait for it.
    const timeouts = { connectTimeoutMs: 300, statementTimeoutMs: 2_000 };
    const server = await startServerThroughProxy(timeouts);
    const user = clerkUserJson();
    await upsertUsersFromClerk(t.db, [userSyncRowFromClerk(user)]);
    const token = await signSessionToken(clerk, { userId: user.id, azp: TEST_WEB_ORIGIN });
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect((await callTrpc(server.url, "user.me", { token })).status).toBe(200);
    // Two connections idle in the pool, so each request below waits on one the stall holds.
    await Promise.all([1, 2].map(() => sql`select pg_sleep(0.05)`.execute(server.db)));

    proxy.stall();
    const [health, me] = await Promise.all([
      timed(fetch(`${server.url}/healthz`)),
      timed(callTrpc(server.url, "user.me", { token })),
    ]);
    expect(health.value.status).toBe(503);
    expect(health.ms).toBeLessThan(2_000);
    expect(await health.value.json()).toMatchObject({
      database: "down",
      reason: "no answer from the database within 1500 ms",
    });
    expect(me.value.status).toBeGreaterThanOrEqual(500);
    // The statement timeout, then 1 s for Postgres's cancellation that cannot come, then the answer.
    expect(me.ms).toBeLessThan(timeouts.statementTimeoutMs + 2_000);

    proxy.restore();
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect((await callTrpc(server.url, "user.me", { token })).status).toBe(200);
  }, 15_000);
});
