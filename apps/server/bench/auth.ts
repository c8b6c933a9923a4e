import { openTestDatabase } from "@repo/db/testing";
import { createTestClerkInstance, signSessionToken } from "../src/testing/clerk-session.ts";
import { fmt, type LoadResult, loadEach, type Row, startTarget, type Target } from "./harness.ts";

/**
 * Throughput of authenticated requests, each variant under the same load (same token, connections and
 * duration): (a) no auth, the ceiling; (b) clerkMiddleware() + getAuth() as Clerk documents it; (c) our
 * protected tRPC procedure with no database work; (d) user.me on PGlite and on Postgres (a throwaway
 * database of its own on the server at DATABASE_URL, never that database itself).
 */
export async function benchAuth(options: { seconds: number; rounds: number; onPostgres: boolean }): Promise<Row[]> {
  const clerk = createTestClerkInstance();
  const origin = "http://localhost:5173";
  const userId = "user_2benchmarkUser000000000000";
  // Real Clerk tokens live ~60 s; one token for the whole run keeps every variant on equal terms. It
  // carries an active organization with permissions, as a multi-tenant app's tokens do, so the numbers
  // include decoding Clerk's v2 organization claims.
  const token = await signSessionToken(clerk, {
    userId,
    azp: origin,
    expiresInSeconds: 3600,
    org: { id: "org_2benchmarkOrg", slug: "bench", role: "org:admin", permissions: ["org:invoices:manage"] },
  });
  const headers = { Authorization: `Bearer ${token}` };
  const env = {
    BENCH_PUBLISHABLE_KEY: clerk.publishableKey,
    BENCH_JWT_KEY: clerk.jwtKey,
    BENCH_ORIGIN: origin,
    BENCH_USER_ID: userId,
  };

  const load = (target: Target, paths: string[]) =>
    loadEach(target, paths, { headers, seconds: options.seconds, rounds: options.rounds });

  const baseline = await startTarget("baseline", env);
  const [a, b, e, t] = await load(baseline, ["/a", "/b", "/e", "/t/ping"]).finally(baseline.stop);
  const onPglite = await startTarget("app", env);
  const [c, dPglite] = await load(onPglite, ["/api/trpc/auth.whoami", "/api/trpc/user.me"]).finally(onPglite.stop);
  let dPostgres: LoadResult | undefined;
  if (options.onPostgres) {
    const database = await openTestDatabase("postgres");
    try {
      const onPostgres = await startTarget("app", { ...env, BENCH_DATABASE_URL: database.databaseUrl as string });
      [dPostgres] = await load(onPostgres, ["/api/trpc/user.me"]).finally(onPostgres.stop);
    } finally {
      await database.close();
    }
  }
  if (!a || !b || !c || !e || !t) throw new Error("a load returned no result");

  const row = (variant: string, r: LoadResult | undefined, note = ""): Row =>
    r
      ? {
          benchmark: "auth",
          variant,
          value: `${fmt(r.rps)} req/s`,
          cpu: `${fmt(r.cpuMicrosPerRequest)} µs/req`,
          p50: `${r.p50} ms`,
          p99: `${r.p99} ms`,
          note: r.non2xx > 0 ? `${r.non2xx} non-2xx! ${note}` : note,
        }
      : { benchmark: "auth", variant, value: "skipped", note: "no Postgres reachable" };
  // Throughput ratios as the targets are set; beside them the same ratio from CPU per request, which
  // holds steadier when the machine is busy with something else.
  const asRatio = (r: number) => (r >= 1 ? `${fmt(r, 2)}x` : `${fmt(100 * r)}%`);
  const ratio = (variant: string, x: LoadResult, y: LoadResult, note = ""): Row => ({
    benchmark: "auth",
    variant,
    value: asRatio(x.rps / y.rps),
    cpu: asRatio(y.cpuMicrosPerRequest / x.cpuMicrosPerRequest),
    note,
  });
  return [
    row("(a) Express route, no auth", a, "ceiling"),
    row("(b) clerkMiddleware() + getAuth()", b, "Clerk's documented pattern"),
    row("(e) Express route + our remembered verification", e, "the auth layer alone"),
    row("(t) bare tRPC procedure, no auth, no middleware", t, "tRPC's own cost"),
    row("(c) protected tRPC, no DB (auth.whoami)", c, "full stack: logs, helmet, CORS, auth"),
    row("(d) user.me on PGlite", dPglite),
    row("(d) user.me on Postgres", dPostgres),
    ratio("ratio e/b", e, b, "target >= 3x"),
    ratio("ratio e/a", e, a, "target >= 70%"),
    ratio("ratio c/b", c, b, "target >= 3x"),
    ratio("ratio c/a", c, a, "target >= 70%"),
    ratio("ratio c/t", c, t, "our stack against tRPC alone; target >= 80% by server CPU"),
  ];
}
