// The server side of the benchmarks, run as its own process so it has a core to itself while the load
// generator uses the other. Prints "READY <port>" when listening.
//   baseline: an Express app with (a) a route without auth, (b) clerkMiddleware() + getAuth(), the
//             pattern Clerk documents, (e) the same route behind our remembered verification, and
//             (t) a bare tRPC procedure with no auth and no middleware: tRPC's own cost;
//   app:      the real createApp() (c, d and the /api/inngest endpoint), on PGlite or on DATABASE_URL.
import type { AddressInfo } from "node:net";
import { createClerkClient } from "@clerk/backend";
import { clerkMiddleware, getAuth } from "@clerk/express";
import { clerkUserJson } from "@repo/clerk/testing";
import { userSyncRowFromClerk } from "@repo/clerk/users";
import { createDb } from "@repo/db/client";
import { migrateToLatest } from "@repo/db/migrate";
import { upsertUsersFromClerk } from "@repo/db/users";
import { createInngestClient } from "@repo/inngest/client";
import { initTRPC } from "@trpc/server";
import { createExpressMiddleware } from "@trpc/server/adapters/express";
import express from "express";
import { pino } from "pino";
import superjson from "superjson";
import { createApp } from "../src/app.ts";
import { authStateOf, clerkAuthMiddleware } from "../src/auth/clerk-auth.ts";
import { TEST_INNGEST_SIGNING_KEY } from "../src/testing/test-server.ts";

const mode = process.argv[2];
const publishableKey = process.env.BENCH_PUBLISHABLE_KEY as string;
const jwtKey = process.env.BENCH_JWT_KEY as string;
const origin = process.env.BENCH_ORIGIN as string;
const clerkClient = createClerkClient({
  publishableKey,
  secretKey: "sk_test_bench",
  jwtKey,
  apiUrl: "http://127.0.0.1:9",
});

let app: express.Express;
if (mode === "baseline") {
  app = express();
  app.get("/a", (_req, res) => {
    res.json({ ok: true });
  });
  app.get("/b", clerkMiddleware({ clerkClient, publishableKey, jwtKey, authorizedParties: [origin] }), (req, res) => {
    const { userId } = getAuth(req);
    if (!userId) res.status(401).json({ error: "Unauthorized" });
    else res.json({ userId });
  });
  const auth = clerkAuthMiddleware({
    clerkClient,
    publishableKey,
    secretKey: undefined,
    jwtKey,
    authorizedParties: [origin],
  });
  app.get("/e", auth, (_req, res) => {
    const { userId } = authStateOf(res);
    if (!userId) res.status(401).json({ error: "Unauthorized" });
    else res.json({ userId });
  });
  const bare = initTRPC.create({ transformer: superjson });
  const pingRouter = bare.router({ ping: bare.procedure.query(() => ({ ok: true })) });
  app.use("/t", createExpressMiddleware({ router: pingRouter, createContext: () => ({}) }));
} else {
  const databaseUrl = process.env.BENCH_DATABASE_URL;
  const db = await createDb(databaseUrl ? { kind: "postgres", databaseUrl } : { kind: "pglite-memory" });
  await migrateToLatest(db);
  await upsertUsersFromClerk(db, [userSyncRowFromClerk(clerkUserJson({ id: process.env.BENCH_USER_ID as string }))]);
  app = createApp({
    db,
    inngest: createInngestClient({
      eventKey: "bench",
      signingKey: TEST_INNGEST_SIGNING_KEY,
      isDev: false,
      logger: pino({ level: "silent" }),
    }),
    logger: pino({ level: "silent" }),
    clerkAuth: { clerkClient, publishableKey, secretKey: undefined, jwtKey, authorizedParties: [origin] },
    clerkClient: undefined,
    webhookSigningSecret: undefined,
    webOrigins: [origin],
  });
}
const server = app.listen(0, "127.0.0.1", () => {
  console.log(`READY ${(server.address() as AddressInfo).port}`);
});
// The harness asks for this process's CPU time before and after each load, over the IPC channel.
process.on("message", () => process.send?.(process.cpuUsage()));
// Exit cleanly on a signal, so --cpu-prof can write its profile when profiling a target.
for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => process.exit(0));
