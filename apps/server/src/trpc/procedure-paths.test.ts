import { request } from "node:http";
import { useTestDatabase } from "@repo/db/testing";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { createTestClerkInstance } from "../testing/clerk-session.ts";
import { useTestServer } from "../testing/use-test-server.ts";

const clerk = createTestClerkInstance();

/** GET `path` exactly as written: fetch() would re-encode a malformed escape before sending it. */
function getRaw(url: string, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    request(`${url}${path}`, { method: "GET" }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    })
      .on("error", reject)
      .end();
  });
}

describe("/api/trpc paths that name no procedure", () => {
  const logLines: string[] = [];
  const t = useTestDatabase("pglite");
  const server = useTestServer(() => ({
    db: t.db,
    clerk,
    logger: pino({ level: "info" }, { write: (line: string) => logLines.push(line) }),
  }));

  it.each(["/api/trpc/%", "/api/trpc/%E0%A4", "/api/trpc/user.me%00", "/api/trpc/"])(
    "answers %s with 404, and logs no error",
    async (path) => {
      logLines.length = 0;
      expect(await getRaw(server.url, path)).toBe(404);
      const errors = logLines.map((line) => JSON.parse(line) as { level: number }).filter((entry) => entry.level >= 50);
      expect(errors).toEqual([]);
    },
  );
});
