import { sql } from "kysely";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createDb, type Db, type DbLogger } from "./client.ts";
import { migrateToLatest } from "./migrate.ts";
import { migrations } from "./migrations/index.ts";
import { type PostgresProxy, startPostgresProxy } from "./testing/postgres-proxy.ts";
import { openTestDatabase, testDatabaseKinds } from "./testing/test-databases.ts";
import { uncaughtErrorsDuring } from "./testing/uncaught-errors.ts";
import { useTestDatabase } from "./testing/use-test-database.ts";

describe("createDb", () => {
  it("names host and port, never the password, when the server is unreachable", async () => {
    const attempt = createDb({ kind: "postgres", databaseUrl: "postgres://app:s3cret@127.0.0.1:1/app" });
    await expect(attempt).rejects.toThrow(/Cannot reach the database at postgres 127\.0\.0\.1:1\/app: .*ECONNREFUSED/);
    await expect(attempt).rejects.not.toThrow(/s3cret/);
  });
});

describe.each(testDatabaseKinds())("migrations on %s", (kind) => {
  it("apply once; a second run is a no-op", async () => {
    const t = await openTestDatabase(kind);
    try {
      expect(await migrateToLatest(t.db)).toEqual({ applied: [] });
      const tables = await sql<{ table_name: string }>`
        select table_name from information_schema.tables where table_schema = 'public' order by table_name`.execute(
        t.db,
      );
      expect(tables.rows.map((r) => r.table_name)).toEqual(
        expect.arrayContaining([
          "kysely_migration",
          "organization_memberships",
          "organizations",
          "reconciliation_runs",
          "users",
        ]),
      );
    } finally {
      await t.close();
    }
  });
});

describe.runIf(testDatabaseKinds().includes("postgres"))("migrations on a fresh database on postgres", () => {
  it("are safe to run from several processes at once", async () => {
    const t = await openTestDatabase("postgres", { migrate: false });
    try {
      const url = t.databaseUrl as string;
      const handles = await Promise.all([1, 2, 3].map(() => createDb({ kind: "postgres", databaseUrl: url })));
      const outcomes = await Promise.all(handles.map((db) => migrateToLatest(db)));
      await Promise.all(handles.map((db) => db.destroy()));
      expect(outcomes.map((o) => o.applied.length).sort()).toEqual([0, 0, Object.keys(migrations).length]);
    } finally {
      await t.close();
    }
  });
});

/** A DbLogger that keeps what it was told, to count how often a lost database is reported. */
function recordingLogger() {
  const warnings: Array<{ details: object; message: string }> = [];
  const infos: Array<{ details: object; message: string }> = [];
  const logger: DbLogger = {
    warn: (details, message) => warnings.push({ details, message }),
    info: (details, message) => infos.push({ details, message }),
  };
  return { logger, warnings, infos };
}

/** Settles `promise`, and says how long that took. */
async function timed<T>(promise: Promise<T>): Promise<{ ms: number; result: PromiseSettledResult<T> }> {
  const started = performance.now();
  const [result] = await Promise.allSettled([promise]);
  return { ms: performance.now() - started, result: result as PromiseSettledResult<T> };
}

describe.runIf(testDatabaseKinds().includes("postgres"))("connection faults on postgres", () => {
  const t = useTestDatabase("postgres");
  let proxy: PostgresProxy;
  let db: Db | undefined;

  beforeAll(async () => {
    proxy = await startPostgresProxy();
  });
  afterEach(async () => {
    proxy.restore();
    await db?.destroy();
    db = undefined;
  });
  afterAll(async () => {
    await proxy.close();
  });

  /** A handle whose connections go through the proxy, with timeouts small enough for a quick test. */
  const openThroughProxy = async (logger: DbLogger) => {
    db = await createDb(
      {
        kind: "postgres",
        databaseUrl: proxy.proxiedUrl(t.databaseUrl as string),
        maxConnections: 4,
        timeouts: { connectTimeoutMs: 300, statementTimeoutMs: 300 },
      },
      { logger },
    );
    return db;
  };
  /** Fills the pool: four statements at once need four connections, which then sit idle. */
  const openFourConnections = (handle: Db) =>
    Promise.all([1, 2, 3, 4].map(() => sql`select pg_sleep(0.05)`.execute(handle)));

  it("survives losing its idle connections, says so once, and reconnects on the next query", async () => {
    const { logger, warnings, infos } = recordingLogger();
    const handle = await openThroughProxy(logger);
    await openFourConnections(handle);
    expect(proxy.openConnections()).toBe(4);

    const uncaught = await uncaughtErrorsDuring(async (uncaught) => {
      proxy.cut();
      // Until the client has heard of the drop, one way or the other, and a moment for the rest.
      await vi.waitFor(() => expect(warnings.length + uncaught.length).toBeGreaterThan(0));
      await new Promise((resolve) => setTimeout(resolve, 100));
    });
    expect(uncaught).toEqual([]);
    // While the database is away, a query fails at once rather than waiting.
    await expect(sql`select 1`.execute(handle)).rejects.toThrow();

    proxy.restore();
    expect((await sql<{ one: number }>`select 1 as one`.execute(handle)).rows).toEqual([{ one: 1 }]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.message).toMatch(/^lost the connection to postgres 127\.0\.0\.1:\d+\/test_\w+: /);
    expect(infos).toEqual([{ details: { droppedConnections: 4 }, message: expect.stringMatching(/again$/) }]);
  });

  it("fails the statement whose connection drops under it, and nothing else", async () => {
    const { logger, warnings } = recordingLogger();
    const handle = await openThroughProxy(logger);
    await sql`select 1`.execute(handle);

    let outcome: Awaited<ReturnType<typeof timed>> | undefined;
    const uncaught = await uncaughtErrorsDuring(async () => {
      const statement = timed(sql`select pg_sleep(0.2)`.execute(handle));
      setTimeout(() => proxy.cut(), 50);
      outcome = await statement;
    });
    expect(uncaught).toEqual([]);
    expect(outcome?.result.status).toBe("rejected");
    proxy.restore();
    expect((await sql<{ one: number }>`select 1 as one`.execute(handle)).rows).toEqual([{ one: 1 }]);
    expect(warnings).toHaveLength(1);
  });

  it("gives up on a database that accepts connections and never answers, within the timeouts", async () => {
    const { logger, warnings } = recordingLogger();
    const handle = await openThroughProxy(logger);
    await sql`select 1`.execute(handle);

    proxy.stall();
    // The first statement gets the pooled connection (the statement timeout plus 1 s of grace bounds it),
    // the second a new connection (the connect timeout bounds it).
    const [onPooled, onNew] = await Promise.all([
      timed(sql`select 1`.execute(handle)),
      timed(sql`select 2`.execute(handle)),
    ]);
    expect(onPooled.result.status).toBe("rejected");
    expect(onNew.result.status).toBe("rejected");
    expect(onPooled.ms).toBeLessThan(3_000);
    expect(onNew.ms).toBeLessThan(3_000);
    expect(warnings).toHaveLength(1);

    proxy.restore();
    expect((await sql<{ one: number }>`select 1 as one`.execute(handle)).rows).toEqual([{ one: 1 }]);
  }, 10_000);

  it("never reuses a connection a stall left unanswered, so a failover does not strand the pool", async () => {
    const handle = await openThroughProxy(recordingLogger().logger);
    await sql`select 1`.execute(handle);
    proxy.stall();
    await expect(sql`select 1`.execute(handle)).rejects.toThrow(/timeout/);

    // The old server is gone for good and its connections with it; new connections reach the new one.
    proxy.restore({ abandonStalled: true });
    const next = await timed(sql<{ one: number }>`select 1 as one`.execute(handle));
    expect(next.result).toEqual({ status: "fulfilled", value: expect.objectContaining({ rows: [{ one: 1 }] }) });
  }, 10_000);

  it("has Postgres cancel a statement that runs past the statement timeout", async () => {
    const handle = await openThroughProxy(recordingLogger().logger);
    await expect(sql`select pg_sleep(2)`.execute(handle)).rejects.toThrow(/statement timeout/);
    expect((await sql<{ one: number }>`select 1 as one`.execute(handle)).rows).toEqual([{ one: 1 }]);
  });
});
