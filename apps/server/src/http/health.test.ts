import { openTestDatabase } from "@repo/db/testing";
import { describe, expect, it } from "vitest";
import { createTestClerkInstance } from "../testing/clerk-session.ts";
import { startTestServer } from "../testing/test-server.ts";

describe("GET /healthz", () => {
  it("is 200 while the database answers and 503 once it does not", async () => {
    const t = await openTestDatabase("pglite");
    const server = await startTestServer({ db: t.db, clerk: createTestClerkInstance() });
    try {
      const up = await fetch(`${server.url}/healthz`);
      expect(up.status).toBe(200);
      expect(await up.json()).toEqual({ status: "ok", database: "up" });
      await t.close();
      const down = await fetch(`${server.url}/healthz`);
      expect(down.status).toBe(503);
      expect(await down.json()).toEqual({ status: "unavailable", database: "down" });
    } finally {
      await server.close();
    }
  });
});
