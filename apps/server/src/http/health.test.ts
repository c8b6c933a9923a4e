import { migrateToLatest } from "@repo/db/migrate";
import { openTestDatabase, testDatabaseKinds } from "@repo/db/testing";
import { sql } from "kysely";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { createTestClerkInstance } from "../testing/clerk-session.ts";
import { startTestServer } from "../testing/test-server.ts";

const clerk = createTestClerkInstance();

describe("GET /healthz", () => {
  it("is 200 while the database answers and 503 once it does not", async () => {
    const t = await openTestDatabase("pglite");
    const server = await startTestServer({ db: t.db, clerk });
    try {
      const up = await fetch(`${server.url}/healthz`);
      expect(up.status).toBe(200);
      expect(await up.json()).toEqual({ status: "ok", database: "up", migrations: "applied" });
      await t.close();
      const down = await fetch(`${server.url}/healthz`);
      expect(down.status).toBe(503);
      expect(await down.json()).toEqual({
        status: "unavailable",
        database: "down",
        migrations: "applied",
        reason: "the database query failed (see the server log)",
      });
    } finally {
      await server.close();
    }
  });
});

describe.each(testDatabaseKinds())("GET /healthz on an unmigrated database on %s", (kind) => {
  it("is 503 with migrations pending until pnpm db:migrate has run, then 200", async () => {
    const t = await openTestDatabase(kind, { migrate: false });
    const server = await startTestServer({ db: t.db, clerk });
    try {
      const before = await fetch(`${server.url}/healthz`);
      expect(before.status).toBe(503);
      expect(await before.json()).toEqual({
        status: "unavailable",
        database: "up",
        migrations: "pending",
        reason: expect.stringMatching(/^\d+ migration\(s\) not applied: run pnpm db:migrate$/),
      });
      // Asking changed nothing: the database still has no tables.
      const tables = await sql<{ n: number }>`
        select count(*)::int as n from information_schema.tables where table_schema = 'public'`.execute(t.db);
      expect(tables.rows).toEqual([{ n: 0 }]);

      await migrateToLatest(t.db);
      const after = await fetch(`${server.url}/healthz`);
      expect(after.status).toBe(200);
      expect(await after.json()).toEqual({ status: "ok", database: "up", migrations: "applied" });
    } finally {
      await server.close();
      await t.close();
    }
  });
});

describe("GET /healthz while it answers 503", () => {
  it("logs the probe as a warning naming the reason, with no error and no stack", async () => {
    const t = await openTestDatabase("pglite", { migrate: false });
    const lines: string[] = [];
    const logger = pino({ level: "info" }, { write: (line: string) => lines.push(line) });
    const server = await startTestServer({ db: t.db, clerk, logger });
    try {
      expect((await fetch(`${server.url}/healthz`)).status).toBe(503);
      const entries = lines.map((line) => JSON.parse(line) as { level: number; msg: string; err?: unknown });
      // pino's levels: 40 warn, 50 error.
      expect(entries.map(({ level, msg }) => ({ level, msg }))).toEqual([
        { level: 40, msg: expect.stringMatching(/^health check: unavailable, \d+ migration\(s\) not applied/) },
        { level: 40, msg: "GET /healthz 503" },
      ]);
      expect(entries.every((entry) => entry.err === undefined)).toBe(true);
    } finally {
      await server.close();
      await t.close();
    }
  });
});
