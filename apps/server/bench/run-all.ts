// `pnpm bench`: every benchmark in one process tree, printed as one markdown table. Tracked files are left
// alone unless asked (--write); USAGE below lists the sections and sizes (`pnpm bench --help`).
import { writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { fileURLToPath } from "node:url";
import { createDb } from "@repo/db/client";
import { benchAuth } from "./auth.ts";
import { benchBackfill } from "./backfill.ts";
import { markdownTable, type Row, WARM_UP_SECONDS } from "./harness.ts";
import { benchSoak } from "./soak.ts";
import { benchSync } from "./sync.ts";

const SECTIONS = ["auth", "sync", "backfill", "soak"] as const;
type Section = (typeof SECTIONS)[number];
const isSection = (name: string): name is Section => (SECTIONS as readonly string[]).includes(name);

const USAGE = `Usage: pnpm bench [--write] [section ...]
  pnpm bench                   every section, printed
  pnpm bench --write           every section, printed and written to BENCHMARKS.md (or BENCH_WRITE=1)
  pnpm bench soak [sync ...]   only the named sections (or BENCH_ONLY=soak,sync); never written
Sections: ${SECTIONS.join(", ")}.
Smaller sizes for a quick look: BENCH_SECONDS, BENCH_ROUNDS, BENCH_SYNC_EVENTS, BENCH_BACKFILL_USERS,
BENCH_SOAK_REQUESTS (BENCH_SOAK_MAX_SECONDS bounds the soak). Postgres at DATABASE_URL
(default postgres://postgres@127.0.0.1:5432/test); every database written is a throwaway one.`;

const args = process.argv.slice(2);
// Asked before anything is measured or connected to: a first look at the command costs nothing.
if (args.includes("--help") || args.includes("-h")) {
  console.log(USAGE);
  process.exit(0);
}
const shouldWrite = args.includes("--write") || process.env.BENCH_WRITE === "1";
const named = [...args.filter((arg) => arg !== "--write"), ...(process.env.BENCH_ONLY?.split(",") ?? [])]
  .map((name) => name.trim())
  .filter(Boolean);
const unknown = named.filter((name) => !isSection(name));
if (unknown.length > 0) {
  console.error(`Unknown benchmark ${unknown.join(", ")}: choose from ${SECTIONS.join(", ")} (or --write)\n\n${USAGE}`);
  process.exit(2);
}
const selected = new Set<Section>(named.length > 0 ? named.filter(isSection) : SECTIONS);
if (shouldWrite && selected.size < SECTIONS.length) {
  console.error("--write rewrites the whole of BENCHMARKS.md: run it with every section, without naming any");
  process.exit(2);
}

// 7 auth variants × (2 s warm-up + 3 rounds × 2 s) keeps the whole run under five minutes on a slow VM.
const seconds = Number(process.env.BENCH_SECONDS ?? 2);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const syncEvents = Number(process.env.BENCH_SYNC_EVENTS ?? 10_000);
const backfillUsers = Number(process.env.BENCH_BACKFILL_USERS ?? 100_000);
const soakRequests = Number(process.env.BENCH_SOAK_REQUESTS ?? 10_000);
const soakConnections = 50;
const soakMaxSeconds = Number(process.env.BENCH_SOAK_MAX_SECONDS ?? 180);

// The sync, backfill and soak figures are about Postgres; the local server CI starts is the default.
process.env.DATABASE_URL ||= "postgres://postgres@127.0.0.1:5432/test";
const postgresUrl = await createDb({ kind: "postgres", databaseUrl: process.env.DATABASE_URL }).then(
  async (db) => {
    await db.destroy();
    return process.env.DATABASE_URL;
  },
  (error: Error) => {
    console.error(`Postgres unreachable (${error.message}): the Postgres rows are skipped`);
    return undefined;
  },
);

const startedAt = performance.now();
const rows: Row[] = [];
/** Runs one benchmark, saying on stderr how long it took, so a slow run shows which part to shrink. */
async function section(name: string, run: () => Promise<Row[]>) {
  const sectionStartedAt = performance.now();
  console.error(`${name} benchmark…`);
  rows.push(...(await run()));
  console.error(`${name} benchmark: ${((performance.now() - sectionStartedAt) / 1000).toFixed(0)} s`);
}
if (selected.has("auth")) await section("auth", () => benchAuth({ seconds, rounds, onPostgres: !!postgresUrl }));
if (postgresUrl) {
  if (selected.has("sync")) await section("sync", () => benchSync({ events: syncEvents, concurrency: 8 }));
  if (selected.has("backfill")) await section("backfill", () => benchBackfill({ users: backfillUsers }));
  if (selected.has("soak"))
    await section("soak", () =>
      benchSoak({ requests: soakRequests, connections: soakConnections, maxSeconds: soakMaxSeconds }),
    );
}
const elapsed = (performance.now() - startedAt) / 1000;

const table = markdownTable(rows);
console.log(table);
console.log(`\nTotal: ${elapsed.toFixed(0)} s`);

if (shouldWrite) writeBenchmarksFile();
else console.error("BENCHMARKS.md left as it is (pnpm bench --write rewrites it)");

function writeBenchmarksFile() {
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? "unknown CPU"}`;
  writeFileSync(
    fileURLToPath(new URL("../../../BENCHMARKS.md", import.meta.url)),
    `# Benchmarks

Latest run: ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${machine}, ${elapsed.toFixed(0)} s.
Rerun with \`pnpm bench --write\` (Postgres at DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test).
Auth variants get load from autocannon (10 connections, one session token) against a server in its own
process: each is warmed up for ${WARM_UP_SECONDS} s, then the variants on one server take turns for ${rounds} rounds of
${seconds} s and each keeps its best round. Ratios are within this one run. "server CPU" is the server
process's own CPU time (process.cpuUsage) per request, and its ratios are computed from it: they hold
steadier than req/s when something else runs on the machine.

${table}

How to read it:
- auth (b) is Clerk's documented pattern, verifying the token on every request; (c) verifies each token
  once with Clerk's SDK and remembers the verdict until the token's exp (apps/server/src/auth).
  (e) is that auth layer alone on a plain Express route. (t) is a tRPC procedure with nothing around
  it: no tRPC call on this stack can be faster, so (c) is bounded by (t), not by (a).
- sync: a burst of users created, updated (about half before their creation) and duplicated, through
  signed HTTP calls to /api/inngest as Inngest's executor makes them, one event a run and in batches;
  each run is one call and one Inngest execution (the sync functions have no step). Every row is then
  compared with in-order delivery. The breakdown rows are from one event at a time.
- backfill: the reconciliation against a loopback stand-in for Clerk's Backend API.
- soak: the production build (dist/main.js, NODE_ENV=production, settings from the environment alone)
  on a Postgres database of its own, ${soakConnections} connections, each cycle one user.me, one user.updateProfile,
  one signed Clerk webhook and one signed Inngest run (1 call). Clerk's Backend API and Inngest's Event
  API are loopback stand-ins. Memory is read inside the server (bench/soak-probe.mjs, preloaded with
  --expose-gc) after each quarter of the requests and a full GC: flat figures mean no growth with requests.
- To see where a server's time goes, \`BENCH_CPU_PROF_DIR=/tmp/prof pnpm bench\` writes a V8 CPU profile
  of each target there (open it in Chrome DevTools' Performance panel).
`,
  );
}
