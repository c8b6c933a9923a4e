import { execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { clerkUserJson } from "@repo/clerk/testing";
import { createDb } from "@repo/db/client";
import { findPendingMigrations, migrateToLatest } from "@repo/db/migrate";
import { openTestDatabase, testDatabaseKinds } from "@repo/db/testing";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { signClerkWebhook } from "./testing/clerk-webhooks.ts";
import { startServerProcess } from "./testing/server-process.ts";
import { TEST_WEBHOOK_SECRET } from "./testing/test-server.ts";

describe("main.ts", () => {
  it("starts from the environment, serves, and on SIGTERM exits 0 having closed the database", async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), "pglite-main-")), "db");
    const server = startServerProcess({ PGLITE_DATA_DIR: dataDir });
    const url = await server.listening;
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    // Development logs are lines a person reads, not JSON.
    expect(server.output()).toMatch(/INFO.*: server listening on http:/);
    expect(server.output()).not.toContain('"level":');

    server.child.kill("SIGTERM");
    expect(await server.exited).toBe(0);
    expect(server.output()).toContain("shutting down: finishing in-flight requests");
    // The embedded database was closed cleanly: it opens again, migrated. (With no Clerk keys the server ran
    // in local mode, whose pull may have stored the stand-in's seeded people meanwhile.)
    const db = await createDb({ kind: "pglite", dataDir });
    expect(await findPendingMigrations(db)).toEqual([]);
    const tables = await sql<{ n: number }>`select count(*)::int as n from users`.execute(db);
    expect(tables.rows[0]?.n).toBeTypeOf("number");
    await db.destroy();
  });

  it("in development, logs one line per request, and on Ctrl-C (SIGINT) exits 0 without an error", async () => {
    const server = startServerProcess({ PGLITE_DATA_DIR: join(mkdtempSync(join(tmpdir(), "pglite-main-")), "db") });
    const url = await server.listening;
    await fetch(`${url}/healthz`);
    await fetch(`${url}/nope?token=not-logged`);
    server.child.kill("SIGINT");
    expect(await server.exited).toBe(0);
    const lines = server.output().trimEnd().split("\n");
    // Every line is an entry of its own: none continues the one before.
    expect(lines.filter((line) => !/^\[[\d:.]+\] [A-Z]+: /.test(line))).toEqual([]);
    expect(lines).toContainEqual(expect.stringMatching(/INFO: GET \/healthz 200$/));
    expect(lines).toContainEqual(expect.stringMatching(/INFO: GET \/nope 404$/));
    expect(lines.at(-1)).toMatch(/INFO: shutting down: finishing in-flight requests/);
    expect(server.output()).not.toMatch(/ERROR|not-logged/);
  });

  it("on SIGTERM, stops accepting connections but finishes the request in flight", async () => {
    // An Inngest Event API that takes 1.5 s to answer keeps a webhook request in flight.
    const slowInngest = createServer((_req, res) => {
      setTimeout(() => {
        res.writeHead(200, { "Content-Type": "application/json" });
        res.end(JSON.stringify({ ids: ["evt_1"], status: 200 }));
      }, 1500);
    });
    await new Promise<void>((resolve) => slowInngest.listen(0, "127.0.0.1", resolve));
    const server = startServerProcess({
      PGLITE_DATA_DIR: join(mkdtempSync(join(tmpdir(), "pglite-main-")), "db"),
      CLERK_WEBHOOK_SIGNING_SECRET: TEST_WEBHOOK_SECRET,
      INNGEST_EVENT_KEY: "test-event-key",
      INNGEST_BASE_URL: `http://127.0.0.1:${(slowInngest.address() as AddressInfo).port}`,
    });
    try {
      const url = await server.listening;
      const delivery = signClerkWebhook({ type: "user.created", data: clerkUserJson() });
      const inFlight = fetch(`${url}/api/webhooks/clerk`, {
        method: "POST",
        headers: delivery.headers,
        body: delivery.body,
      });
      await new Promise((resolve) => setTimeout(resolve, 500));
      server.child.kill("SIGTERM");
      await new Promise((resolve) => setTimeout(resolve, 200));
      await expect(fetch(`${url}/healthz`)).rejects.toThrow();
      expect((await inFlight).status).toBe(200);
      expect(await server.exited).toBe(0);
    } finally {
      slowInngest.close();
    }
  });

  it("refuses to start in production without its settings: one plain line per problem, never a value", async () => {
    const server = startServerProcess({
      NODE_ENV: "production",
      CLERK_SECRET_KEY: "sk_live_do-not-print-me",
      CLERK_WEBHOOK_SIGNING_SECRET: TEST_WEBHOOK_SECRET,
      INNGEST_DEV: "1",
    });
    await expect(server.listening).rejects.toThrow();
    expect(await server.exited).toBe(1);
    const lines = server.output().trimEnd().split("\n");
    expect(lines).toEqual([
      "Missing or unsafe production settings:",
      expect.stringMatching(/^- DATABASE_URL is not set: /),
      expect.stringMatching(/^- CLERK_PUBLISHABLE_KEY is not set: /),
      expect.stringMatching(/^- CLERK_JWT_KEY is not set: /),
      expect.stringMatching(/^- WEB_ORIGIN is not set: /),
      expect.stringMatching(/^- INNGEST_DEV is set: /),
      expect.stringMatching(/^- INNGEST_SIGNING_KEY is not set: /),
      expect.stringMatching(/^- INNGEST_EVENT_KEY is not set: /),
    ]);
    expect(server.output()).not.toContain("do-not-print-me");
    expect(server.output()).not.toContain(TEST_WEBHOOK_SECRET);
  });
});

describe("the production build (dist/main.js)", () => {
  let buildDir: string;
  let outfile: string;

  beforeAll(() => {
    const serverDir = fileURLToPath(new URL("..", import.meta.url));
    // Inside the package, so the bundle's external imports still resolve from its node_modules.
    buildDir = mkdtempSync(join(serverDir, "node_modules", ".test-build-"));
    outfile = join(buildDir, "main.js");
    execFileSync(process.execPath, ["build.mjs", outfile], { cwd: serverDir });
  }, 60_000);
  afterAll(() => {
    if (buildDir) rmSync(buildDir, { recursive: true, force: true });
  });

  const runBundle = (env: Record<string, string>) =>
    spawnSync(process.execPath, [outfile], {
      env: { PATH: process.env.PATH ?? "", ...env },
      encoding: "utf8",
      timeout: 20_000,
    });

  it("runs as production when NODE_ENV was forgotten, so it refuses to start without production's settings", () => {
    const started = runBundle({ INNGEST_DEV: "1" });
    expect(started.status).toBe(1);
    expect(started.stderr).toMatch(/^Missing or unsafe production settings:\n- DATABASE_URL is not set/);
    expect(started.stderr).toMatch(/- INNGEST_DEV is set: production never runs Inngest in dev mode/);
  });

  it.each(["development", "test"])(
    "refuses NODE_ENV=%s unless told it is meant, rather than skip production's rules",
    (nodeEnv) => {
      const started = runBundle({ NODE_ENV: nodeEnv, INNGEST_DEV: "1" });
      expect(started.status).toBe(1);
      expect(started.stderr).toBe(
        `The production build refuses to run outside production:\n- NODE_ENV is ${nodeEnv}: unset it or set NODE_ENV=production (for development, run \`pnpm dev\`; to run this build as ${nodeEnv} on purpose, set ALLOW_NON_PRODUCTION_BUILD=1)\n`,
      );
    },
  );

  it("runs in development when ALLOW_NON_PRODUCTION_BUILD=1, and still does not pull from Clerk", async () => {
    const child = spawn(process.execPath, [outfile], {
      env: {
        PATH: process.env.PATH ?? "",
        NODE_ENV: "development",
        ALLOW_NON_PRODUCTION_BUILD: "1",
        PORT: "0",
        HOST: "127.0.0.1",
        PGLITE_DATA_DIR: join(mkdtempSync(join(tmpdir(), "pglite-bundle-")), "db"),
        CLERK_SECRET_KEY: "sk_test_bundle",
        CLERK_API_URL: "http://127.0.0.1:9",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    for (const stream of [child.stdout, child.stderr]) stream.on("data", (chunk: Buffer) => (output += chunk));
    const exited = new Promise((resolve) => child.once("exit", resolve));
    try {
      await vi.waitFor(() => expect(output).toContain("server listening on"), { timeout: 20_000 });
      expect(output).not.toContain("pulling users, organizations and memberships from Clerk");
    } finally {
      child.kill("SIGTERM");
      await exited;
    }
  });
});

describe.runIf(testDatabaseKinds().includes("postgres"))("main.ts on an unmigrated database on postgres", () => {
  it("says at start-up to run pnpm db:migrate, and /healthz is 503 until it has run", async () => {
    const t = await openTestDatabase("postgres", { migrate: false });
    const server = startServerProcess({ DATABASE_URL: t.databaseUrl as string });
    try {
      const url = await server.listening;
      expect(server.output()).toMatch(/missing migrations this build needs: run `pnpm db:migrate`/);
      const before = await fetch(`${url}/healthz`);
      expect(before.status).toBe(503);
      expect(await before.json()).toMatchObject({ database: "up", migrations: "pending" });

      await migrateToLatest(t.db);
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
    } finally {
      server.child.kill("SIGTERM");
      await server.exited;
      await t.close();
    }
  });
});
