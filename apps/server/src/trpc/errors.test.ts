import { testDatabaseKinds } from "@repo/db/testing";
import { sql } from "kysely";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { createTestClerkInstance, signSessionToken } from "../testing/clerk-session.ts";
import { startTestServerWithDatabase, TEST_WEB_ORIGIN } from "../testing/test-server.ts";
import { callTrpc } from "../testing/trpc-http.ts";

const clerk = createTestClerkInstance();

/** What a missing table makes Postgres (and PGlite) say: a detail of how the server is built. */
const DATABASE_DETAIL = 'relation "users" does not exist';

describe.each(testDatabaseKinds())("a failure inside the server, over HTTP on %s", (kind) => {
  let server: Awaited<ReturnType<typeof startTestServerWithDatabase>> | undefined;
  afterEach(async () => {
    await server?.close();
  });

  /** A server whose database lost its users table, so every user.me fails with the database's own error. */
  async function brokenServer(exposeErrorDetails: boolean) {
    const logLines: string[] = [];
    const logger = pino({ level: "info" }, { write: (line: string) => logLines.push(line) });
    server = await startTestServerWithDatabase({ clerk, logger, exposeErrorDetails }, kind);
    await sql`drop table users`.execute(server.db);
    const token = await signSessionToken(clerk, { userId: "user_someone", azp: TEST_WEB_ORIGIN });
    const response = await callTrpc(server.url, "user.me", { token });
    return { response, logLines };
  }

  it("in production reaches the caller as a generic 500 without a stack, and the log gets the detail", async () => {
    const { response, logLines } = await brokenServer(false);
    expect(response.status).toBe(500);
    expect(response.error?.message).toBe("Internal server error");
    expect(response.error?.data.code).toBe("INTERNAL_SERVER_ERROR");
    expect(response.error?.data).not.toHaveProperty("stack");
    expect(JSON.stringify(response.error)).not.toContain("users");
    const failure = logLines.map((line) => JSON.parse(line)).find((entry) => entry.msg === "tRPC procedure failed");
    expect(failure).toMatchObject({ level: 50, path: "user.me" });
    expect(failure.err.message).toContain(DATABASE_DETAIL);
  });

  it("in development shows the caller the detail and the stack", async () => {
    const { response } = await brokenServer(true);
    expect(response.status).toBe(500);
    expect(response.error?.message).toContain(DATABASE_DETAIL);
    expect(response.error?.data).toMatchObject({ stack: expect.stringContaining(DATABASE_DETAIL) });
  });
});
