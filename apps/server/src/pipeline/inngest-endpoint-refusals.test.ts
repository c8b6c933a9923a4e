import { randomBytes } from "node:crypto";
import { request } from "node:http";
import { clerkUserJson } from "@repo/clerk/testing";
import type { Db } from "@repo/db/client";
import { countUsers } from "@repo/db/testing";
import { findUserById } from "@repo/db/users";
import { INNGEST_APP_ID } from "@repo/inngest/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCapturedLogger } from "../testing/captured-logger.ts";
import { createTestClerkInstance } from "../testing/clerk-session.ts";
import { driveInngestRun, signInngestRequest } from "../testing/inngest-stubs.ts";
import { startTestServerWithDatabase, TEST_INNGEST_SIGNING_KEY, type TestServer } from "../testing/test-server.ts";

const clerk = createTestClerkInstance();
const MiB = 1024 * 1024;
const WARN = 40;
const ERROR = 50;

/**
 * Announces a body of `announcedBytes`, sends only `firstPart` of it, and waits for the answer's status:
 * a server that answers has decided without reading the rest. Rejects if no answer comes within 5 s.
 */
function postPartOfBody(
  url: string,
  options: { headers: Record<string, string>; announcedBytes: number; firstPart: Buffer },
): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: "POST",
      headers: { ...options.headers, "Content-Type": "application/json", "Content-Length": options.announcedBytes },
    });
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error("no answer within 5 s while the body was still unsent"));
    }, 5000);
    req.on("response", (res) => {
      clearTimeout(timer);
      req.destroy();
      resolve(res.statusCode ?? 0);
    });
    // The server may close the connection while this side still writes: the answer is what counts.
    req.on("error", () => {});
    req.write(options.firstPart);
  });
}

/** Not JSON, and never completed: parsing it would fail, and waiting for it would never end. */
const notJson = Buffer.alloc(64 * 1024, "{[not json");

const madeUpSignature = (at = new Date()) =>
  `t=${Math.floor(at.getTime() / 1000)}&s=${randomBytes(32).toString("hex")}`;
const minutesFromNow = (minutes: number) => new Date(Date.now() + minutes * 60_000);

describe("/api/inngest refuses a call whose signature cannot be valid before reading its body", () => {
  let server: TestServer & { db: Db };
  let inngestUrl: string;

  beforeAll(async () => {
    server = await startTestServerWithDatabase({ clerk });
    inngestUrl = `${server.url}/api/inngest?fnId=${INNGEST_APP_ID}-upsert-clerk-user&stepId=step`;
  });
  afterAll(() => server.close());

  it.each([
    ["no signature", {}],
    ["a signature without its HMAC", { "X-Inngest-Signature": `t=${Math.floor(Date.now() / 1000)}` }],
    ["a signature whose HMAC is not hex", { "X-Inngest-Signature": `t=${Math.floor(Date.now() / 1000)}&s=zz` }],
    ["a signature without a timestamp", { "X-Inngest-Signature": `s=${"ab".repeat(32)}` }],
    [
      "a signature from 6 minutes ago",
      { "X-Inngest-Signature": signInngestRequest({}, TEST_INNGEST_SIGNING_KEY, minutesFromNow(-6)) },
    ],
    ["a signature 6 minutes in the future", { "X-Inngest-Signature": madeUpSignature(minutesFromNow(6)) }],
  ])("answers 401 to a POST with %s while its 3.9 MB body is still unsent", async (_case, headers) => {
    const status = await postPartOfBody(inngestUrl, { headers, announcedBytes: 3_900_000, firstPart: notJson });
    expect(status).toBe(401);
    expect(await countUsers(server.db)).toBe(0);
  });

  it("answers 401, not 413, to an unsigned POST announcing a body over the limit", async () => {
    const status = await postPartOfBody(inngestUrl, { headers: {}, announcedBytes: 5 * MiB, firstPart: notJson });
    expect(status).toBe(401);
  });

  it("answers 401, not 400, to an unsigned sync (PUT) whose body is not JSON, and to an unsigned GET", async () => {
    const put = await fetch(inngestUrl, {
      method: "PUT",
      headers: { "Content-Type": "application/json" },
      body: "{not json",
    });
    expect(put.status).toBe(401);
    expect((await fetch(inngestUrl)).status).toBe(401);
  });

  it("answers 404 without a stack to a signed run of a function this app does not serve", async () => {
    const run = (signingKey: string | undefined) =>
      driveInngestRun({
        serveUrl: `${server.url}/api/inngest`,
        appId: INNGEST_APP_ID,
        functionId: "no-such-function",
        event: { name: "clerk/user.created", data: clerkUserJson() },
        signingKey,
      });
    const signed = await run(TEST_INNGEST_SIGNING_KEY);
    expect(signed.status).toBe(404);
    expect(signed.body).toEqual({ error: expect.stringMatching(/no function with that fnId/) });
    // Unsigned, the SDK's 401 stands: a caller without the key learns nothing about which functions exist.
    expect((await run(undefined)).status).toBe(401);
  });

  it("still runs a function for a call signed as Inngest signs it", async () => {
    const user = clerkUserJson();
    const result = await driveInngestRun({
      serveUrl: `${server.url}/api/inngest`,
      appId: INNGEST_APP_ID,
      functionId: "upsert-clerk-user",
      event: { name: "clerk/user.created", data: user },
      signingKey: TEST_INNGEST_SIGNING_KEY,
    });
    expect(result.status).toBe(200);
    expect((await findUserById(server.db, user.id))?.id).toBe(user.id);
  });
});

describe("/api/inngest's log of refused calls", () => {
  let server: TestServer & { db: Db };
  let log: ReturnType<typeof createCapturedLogger>;
  let inngestUrl: string;

  beforeAll(async () => {
    log = createCapturedLogger();
    server = await startTestServerWithDatabase({ clerk, logger: log.logger, inngestLogger: log.logger });
    inngestUrl = `${server.url}/api/inngest?fnId=${INNGEST_APP_ID}-upsert-clerk-user&stepId=step`;
  });
  afterAll(() => server.close());

  it("logs a burst of refused calls as a few warnings without a stack, never as errors", async () => {
    const unsigned = Array.from({ length: 20 }, () =>
      fetch(inngestUrl, { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" }),
    );
    const malformed = Array.from({ length: 20 }, () =>
      fetch(inngestUrl, { method: "POST", headers: { "X-Inngest-Signature": "t=now&s=trust-me" }, body: "{}" }),
    );
    // Of the right shape and time, so the SDK computes the HMAC and refuses it.
    const madeUp = Array.from({ length: 20 }, () =>
      fetch(inngestUrl, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Inngest-Signature": madeUpSignature() },
        body: "{}",
      }),
    );
    const statuses = (await Promise.all([...unsigned, ...malformed, ...madeUp])).map((response) => response.status);
    expect(new Set(statuses)).toEqual(new Set([401]));

    expect(log.entries.filter((entry) => entry.level >= ERROR)).toEqual([]);
    const warnings = log.entries.filter((entry) => entry.level === WARN);
    expect(warnings.map((entry) => entry.reason).sort()).toEqual([
      "invalid-signature",
      "malformed-signature",
      "missing-signature",
    ]);
    for (const warning of warnings) expect(JSON.stringify(warning)).not.toMatch(/stack|"err"/);
    // Besides those, the access log's one info line per request, as on every route.
    expect(log.entries.length).toBe(statuses.length + warnings.length);
  });
});

describe("/api/inngest in dev mode (INNGEST_DEV)", () => {
  let server: TestServer & { db: Db };
  beforeAll(async () => {
    server = await startTestServerWithDatabase({ clerk, inngestDev: true });
  });
  afterAll(() => server.close());

  it("runs an unsigned call, as the Inngest Dev Server sends it", async () => {
    const user = clerkUserJson();
    const result = await driveInngestRun({
      serveUrl: `${server.url}/api/inngest`,
      appId: INNGEST_APP_ID,
      functionId: "upsert-clerk-user",
      event: { name: "clerk/user.created", data: user },
      signingKey: undefined,
    });
    expect(result.status).toBe(200);
    expect((await findUserById(server.db, user.id))?.id).toBe(user.id);
  });
});
