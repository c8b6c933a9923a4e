import { clerkUserJson, startClerkApiStub } from "@repo/clerk/testing";
import { userSyncRowFromClerk } from "@repo/clerk/users";
import { countUsers, openTestDatabase } from "@repo/db/testing";
import { upsertUsersFromClerk } from "@repo/db/users";
import { createTestClerkInstance, signSessionToken } from "../src/testing/clerk-session.ts";
import { startInngestEventApiStub } from "../src/testing/inngest-stubs.ts";
import { findFreePort, TEST_INNGEST_SIGNING_KEY, TEST_WEBHOOK_SECRET } from "../src/testing/test-server.ts";
import { fmt, type Row } from "./harness.ts";
import { buildServer, type ServerReading, startProductionServer } from "./production-server.ts";
import { createConnectionPool, percentile, runOperations, type Sample } from "./soak-load.ts";
import { buildSoakOperations, SOAK_KINDS } from "./soak-mix.ts";

/** Users in `users` and in Clerk before the soak, and users only Clerk has (user.me fetches them). */
const KNOWN_USERS = 100;
const CLERK_ONLY_USERS = 20;
/** Memory is read after each quarter of the requests, so growth with request count shows as a trend. */
const CHECKPOINTS = 4;
const REQUESTS_PER_CYCLE = 4;

/**
 * The production build (dist/main.js, NODE_ENV=production, configured by environment variables alone)
 * on a Postgres database of its own, under `requests` mixed requests from `connections` concurrent
 * connections. Clerk's Backend API and Inngest's Event API are loopback stand-ins. Reports throughput,
 * latency and non-2xx per request kind, and the server's memory before, during and after the load,
 * each checkpoint after a full GC, as bench/soak-probe.mjs reads it inside the server.
 */
export async function benchSoak(options: { requests: number; connections: number; maxSeconds: number }) {
  const cycles = Math.max(1, Math.round(options.requests / REQUESTS_PER_CYCLE / CHECKPOINTS)) * CHECKPOINTS;
  // Ctrl-C stops the load; the finally blocks still stop the server and drop the database.
  const interrupted = new AbortController();
  const onInterrupt = () => interrupted.abort();
  process.on("SIGINT", onInterrupt);

  await buildServer();
  const database = await openTestDatabase("postgres");
  const clerkApi = await startClerkApiStub({ organizations: true });
  const inngestApi = await startInngestEventApiStub();
  try {
    const knownUsers = Array.from({ length: KNOWN_USERS }, () => clerkUserJson());
    const clerkOnlyUsers = Array.from({ length: CLERK_ONLY_USERS }, () => clerkUserJson());
    for (const user of [...knownUsers, ...clerkOnlyUsers]) clerkApi.users.set(user.id, user);
    await upsertUsersFromClerk(database.db, knownUsers.map(userSyncRowFromClerk));

    const clerk = createTestClerkInstance();
    const port = await findFreePort();
    const origin = `http://127.0.0.1:${port}`;
    // Real tokens live 60 s and a browser reuses one for many calls: one token per user for the soak.
    const tokens = await Promise.all(
      [...knownUsers, ...clerkOnlyUsers].map((user) =>
        signSessionToken(clerk, { userId: user.id, azp: origin, expiresInSeconds: 3600 }),
      ),
    );
    console.error(
      `soak: production server at ${origin}, database ${new URL(database.databaseUrl as string).pathname.slice(1)}`,
    );
    const server = await startProductionServer({
      url: origin,
      // Every setting production requires (env.ts), and Clerk telemetry off; the web app build is not needed.
      env: {
        PORT: String(port),
        HOST: "127.0.0.1",
        DATABASE_URL: database.databaseUrl as string,
        CLERK_PUBLISHABLE_KEY: clerk.publishableKey,
        CLERK_SECRET_KEY: clerk.secretKey,
        CLERK_JWT_KEY: clerk.jwtKey,
        CLERK_API_URL: clerkApi.url,
        CLERK_WEBHOOK_SIGNING_SECRET: TEST_WEBHOOK_SECRET,
        CLERK_TELEMETRY_DISABLED: "1",
        WEB_ORIGIN: origin,
        INNGEST_SIGNING_KEY: TEST_INNGEST_SIGNING_KEY,
        INNGEST_EVENT_KEY: "soak-event-key",
        INNGEST_BASE_URL: inngestApi.url,
      },
    });
    try {
      const { operations, outcome } = buildSoakOperations({ cycles, tokens, knownUsers, origin });
      const pool = createConnectionPool(options.connections);
      const before = await server.read({ gc: true });
      const problemsBefore = server.log.warnings + server.log.errors;
      const deadline = performance.now() + options.maxSeconds * 1000;
      const samples: Sample[] = [];
      const checkpoints: Checkpoint[] = [];
      let loadMs = 0;
      let cpuMicros = 0;
      let phaseStart = before;
      let stoppedEarly = false;
      const perCheckpoint = operations.length / CHECKPOINTS;
      for (let checkpoint = 0; checkpoint < CHECKPOINTS && !stoppedEarly; checkpoint++) {
        const phase = await runOperations(
          { port, pool },
          operations.slice(checkpoint * perCheckpoint, (checkpoint + 1) * perCheckpoint),
          { connections: options.connections, deadline, signal: interrupted.signal },
        );
        // A terminal's Ctrl-C reaches the server too, which then shuts down: nothing left to read.
        if (interrupted.signal.aborted) throw new Error("soak interrupted");
        const atEnd = await server.read({ gc: false });
        const afterGc = await server.read({ gc: true });
        samples.push(...phase.samples);
        loadMs += phase.ms;
        cpuMicros += cpuTime(atEnd) - cpuTime(phaseStart);
        checkpoints.push({
          requests: samples.length,
          phaseRequests: phase.samples.length,
          rps: phase.samples.length / (phase.ms / 1000),
          atEnd,
          afterGc,
        });
        phaseStart = afterGc;
        stoppedEarly = phase.stoppedEarly;
      }
      pool.destroy();

      const healthz = await fetch(`${origin}/healthz`).then((response) => response.status);
      const userRows = await countUsers(database.db);
      return soakRows({
        connections: options.connections,
        samples,
        loadMs,
        cpuMicros,
        before,
        checkpoints,
        stoppedEarly,
        healthz,
        serverProblems: server.log.warnings + server.log.errors - problemsBefore,
        firstServerProblems: server.log.problems.slice(problemsBefore, problemsBefore + 5),
        userRows,
        expectedUserRows: KNOWN_USERS + CLERK_ONLY_USERS + outcome.usersCreatedThroughInngest,
        eventsAtInngest: inngestApi.events.length,
        webhooksForwarded: outcome.webhooksForwarded,
        inngestRunsStarted: outcome.inngestRunsStarted,
        inngestRunsFinished: outcome.inngestRunsFinished,
      });
    } finally {
      await server.stop();
    }
  } finally {
    process.off("SIGINT", onInterrupt);
    await inngestApi.close();
    await clerkApi.close();
    await database.close();
  }
}

type Checkpoint = {
  requests: number;
  phaseRequests: number;
  rps: number;
  atEnd: ServerReading;
  afterGc: ServerReading;
};

const cpuTime = (reading: ServerReading) => reading.cpu.user + reading.cpu.system;
const mib = (bytes: number) => `${fmt(bytes / 2 ** 20, 1)} MiB`;
/** What the JS heap holds; the rest of RSS is V8's reserve, code and native memory, which lags behind. */
const heap = (reading: ServerReading) =>
  `heap ${mib(reading.memory.heapUsed)} used of ${mib(reading.memory.heapTotal)}`;
const signedMib = (bytes: number) => `${bytes >= 0 ? "+" : "-"}${mib(Math.abs(bytes))}`;
const ms = (value: number) => `${fmt(value, value < 10 ? 1 : 0)} ms`;

function describeFailures(samples: Sample[]): string {
  const byStatus = new Map<string, number>();
  for (const sample of samples) {
    if (typeof sample.status === "number" && sample.status >= 200 && sample.status < 300) continue;
    byStatus.set(String(sample.status), (byStatus.get(String(sample.status)) ?? 0) + 1);
  }
  const failures = [...byStatus.values()].reduce((sum, n) => sum + n, 0);
  if (failures === 0) return "0 non-2xx";
  return `${fmt(failures)} non-2xx! (${[...byStatus].map(([status, n]) => `${status}: ${fmt(n)}`).join(", ")})`;
}

function soakRows(result: {
  connections: number;
  samples: Sample[];
  loadMs: number;
  cpuMicros: number;
  before: ServerReading;
  checkpoints: Checkpoint[];
  stoppedEarly: boolean;
  healthz: number;
  serverProblems: number;
  firstServerProblems: string[];
  userRows: number;
  expectedUserRows: number;
  eventsAtInngest: number;
  webhooksForwarded: number;
  inngestRunsStarted: number;
  inngestRunsFinished: number;
}): Row[] {
  const { samples, checkpoints } = result;
  const latencies = samples.map((sample) => sample.ms);
  const last = checkpoints.at(-1);
  const first = checkpoints[0];
  if (!last || !first) throw new Error("the soak made no requests");
  const row = (variant: string, value: string, extra: Partial<Row> = {}): Row => ({
    benchmark: "soak",
    variant,
    value,
    ...extra,
  });

  const rows: Row[] = [
    row(
      `${fmt(samples.length)} mixed requests, ${result.connections} connections`,
      `${fmt(samples.length / (result.loadMs / 1000))} req/s`,
      {
        cpu: `${fmt(result.cpuMicros / samples.length)} µs/req`,
        p50: ms(percentile(latencies, 50)),
        p99: ms(percentile(latencies, 99)),
        note: [
          describeFailures(samples),
          `${fmt(result.loadMs / 1000, 1)} s`,
          result.stoppedEarly ? "stopped at the time limit!" : "",
          `server logged ${result.serverProblems} warnings/errors`,
        ]
          .filter(Boolean)
          .join("; "),
      },
    ),
  ];
  for (const kind of Object.values(SOAK_KINDS)) {
    const ofKind = samples.filter((sample) => sample.kind === kind);
    const kindLatencies = ofKind.map((sample) => sample.ms);
    rows.push(
      row(`  ${kind}`, `${fmt(ofKind.length)} requests`, {
        p50: ms(percentile(kindLatencies, 50)),
        p99: ms(percentile(kindLatencies, 99)),
        note: describeFailures(ofKind),
      }),
    );
  }
  rows.push(
    row(
      "  effects: rows in users / events at the Inngest stand-in / runs finished",
      `${fmt(result.userRows)} / ${fmt(result.eventsAtInngest)} / ${fmt(result.inngestRunsFinished)}`,
      {
        note: `expected ${fmt(result.expectedUserRows)} / ${fmt(result.webhooksForwarded)} / ${fmt(result.inngestRunsStarted)}${
          result.userRows === result.expectedUserRows &&
          result.eventsAtInngest === result.webhooksForwarded &&
          result.inngestRunsFinished === result.inngestRunsStarted
            ? ""
            : " !"
        }; /healthz after: ${result.healthz}`,
      },
    ),
    row("server RSS before the load, after a GC", mib(result.before.memory.rss), {
      note: heap(result.before),
    }),
    row(`server RSS right after ${fmt(last.requests)} requests`, mib(last.atEnd.memory.rss), {
      note: `${heap(last.atEnd)}; before GC`,
    }),
  );
  for (const checkpoint of checkpoints) {
    rows.push(
      row(`server RSS after ${fmt(checkpoint.requests)} requests and a GC`, mib(checkpoint.afterGc.memory.rss), {
        note: `${heap(checkpoint.afterGc)}; these ${fmt(checkpoint.phaseRequests)} at ${fmt(checkpoint.rps)} req/s`,
      }),
    );
  }
  rows.push(
    row(
      `growth after GC, ${fmt(first.requests)} → ${fmt(last.requests)} requests`,
      `${signedMib(last.afterGc.memory.rss - first.afterGc.memory.rss)} RSS`,
      {
        note: `heap used ${signedMib(last.afterGc.memory.heapUsed - first.afterGc.memory.heapUsed)}; the first quarter warms up JIT, pools and caches`,
      },
    ),
  );
  if (result.firstServerProblems.length > 0) {
    console.error(`The server's first warnings/errors:\n${result.firstServerProblems.join("\n")}`);
  }
  return rows;
}
