import { createTestClerkInstance, signSessionToken } from "../src/testing/clerk-session.ts";
import { fmt, type LoadResult, load, type Row, startTarget } from "./harness.ts";

/**
 * Throughput of authenticated requests, each variant under the same load (same token, connections and
 * duration): (a) no auth, the ceiling; (b) clerkMiddleware() + getAuth() as Clerk documents it; (c) our
 * protected tRPC procedure with no database work; (d) user.me on PGlite and on Postgres.
 */
export async function benchAuth(options: { seconds: number; postgresUrl: string | undefined }): Promise<Row[]> {
  const clerk = createTestClerkInstance();
  const origin = "http://localhost:5173";
  const userId = "user_2benchmarkUser000000000000";
  // Real Clerk tokens live ~60 s; one token for the whole run keeps every variant on equal terms.
  const token = await signSessionToken(clerk, { userId, azp: origin, expiresInSeconds: 3600 });
  const headers = { Authorization: `Bearer ${token}` };
  const env = {
    BENCH_PUBLISHABLE_KEY: clerk.publishableKey,
    BENCH_JWT_KEY: clerk.jwtKey,
    BENCH_ORIGIN: origin,
    BENCH_USER_ID: userId,
  };

  const results: Record<string, LoadResult> = {};
  const baseline = await startTarget("baseline", env);
  try {
    results.a = await load(`${baseline.url}/a`, headers, options.seconds);
    results.b = await load(`${baseline.url}/b`, headers, options.seconds);
    results.e = await load(`${baseline.url}/e`, headers, options.seconds);
    results.t = await load(`${baseline.url}/t/ping`, headers, options.seconds);
  } finally {
    await baseline.stop();
  }
  const onPglite = await startTarget("app", env);
  try {
    results.c = await load(`${onPglite.url}/api/trpc/auth.whoami`, headers, options.seconds);
    results.dPglite = await load(`${onPglite.url}/api/trpc/user.me`, headers, options.seconds);
  } finally {
    await onPglite.stop();
  }
  if (options.postgresUrl) {
    const onPostgres = await startTarget("app", { ...env, BENCH_DATABASE_URL: options.postgresUrl });
    try {
      results.dPostgres = await load(`${onPostgres.url}/api/trpc/user.me`, headers, options.seconds);
    } finally {
      await onPostgres.stop();
    }
  }

  const row = (variant: string, r: LoadResult | undefined, note = ""): Row =>
    r
      ? {
          benchmark: "auth",
          variant,
          value: `${fmt(r.rps)} req/s`,
          p50: `${r.p50} ms`,
          p99: `${r.p99} ms`,
          note: r.non2xx > 0 ? `${r.non2xx} non-2xx! ${note}` : note,
        }
      : { benchmark: "auth", variant, value: "skipped", note: "no Postgres reachable" };
  const a = results.a as LoadResult;
  const b = results.b as LoadResult;
  const c = results.c as LoadResult;
  const e = results.e as LoadResult;
  const t = results.t as LoadResult;
  const ratio = (variant: string, x: LoadResult, y: LoadResult, note = "") => ({
    benchmark: "auth",
    variant,
    value: x.rps / y.rps >= 1 ? `${fmt(x.rps / y.rps, 2)}x` : `${fmt((100 * x.rps) / y.rps)}%`,
    note,
  });
  return [
    row("(a) Express route, no auth", a, "ceiling"),
    row("(b) clerkMiddleware() + getAuth()", b, "Clerk's documented pattern"),
    row("(e) Express route + our remembered verification", e, "the auth layer alone"),
    row("(t) bare tRPC procedure, no auth, no middleware", t, "tRPC's own cost"),
    row("(c) protected tRPC, no DB (auth.whoami)", c, "full stack: logs, helmet, CORS, auth"),
    row("(d) user.me on PGlite", results.dPglite),
    row("(d) user.me on Postgres", results.dPostgres),
    ratio("ratio e/b", e, b, "target >= 3x"),
    ratio("ratio e/a", e, a, "target >= 70%"),
    ratio("ratio c/b", c, b, "target >= 3x"),
    ratio("ratio c/a", c, a, "target >= 70%"),
    ratio("ratio c/t", c, t, "our stack against tRPC alone"),
  ];
}
