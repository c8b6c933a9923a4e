import { randomBytes } from "node:crypto";
import { gzipSync } from "node:zlib";
import { clerkUserJson } from "@repo/clerk/testing";
import { countUsers, useTestDatabase } from "@repo/db/testing";
import { findUserById } from "@repo/db/users";
import { INNGEST_APP_ID } from "@repo/inngest/client";
import { beforeAll, describe, expect, it } from "vitest";
import { createCapturedLogger } from "../testing/captured-logger.ts";
import { createTestClerkInstance } from "../testing/clerk-session.ts";
import { driveInngestRun, signInngestRequest } from "../testing/inngest-stubs.ts";
import { postPartOfBody } from "../testing/partial-body.ts";
import { TEST_INNGEST_SIGNING_KEY } from "../testing/test-server.ts";
import { useTestServer } from "../testing/use-test-server.ts";

const clerk = createTestClerkInstance();
const MiB = 1024 * 1024;
const WARN = 40;
const ERROR = 50;

/** Not JSON, and never completed: parsing it would fail, and waiting for it would never end. */
const notJson = Buffer.alloc(64 * 1024, "{[not json");

const madeUpSignature = (at = new Date()) =>
  `t=${Math.floor(at.getTime() / 1000)}&s=${randomBytes(32).toString("hex")}`;
const minutesFromNow = (minutes: number) => new Date(Date.now() + minutes * 60_000);

describe("/api/inngest refuses a call whose signature cannot be valid before reading its body", () => {
  const t = useTestDatabase("pglite");
  const server = useTestServer(() => ({ db: t.db, clerk }));
  let inngestUrl: string;

  beforeAll(() => {
    inngestUrl = `${server.url}/api/inngest?fnId=${INNGEST_APP_ID}-upsert-clerk-user&stepId=step`;
  });

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
    expect(await countUsers(t.db)).toBe(0);
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

  it("refuses a compressed body unread (415): 4 kB of gzip would otherwise unpack to megabytes to parse", async () => {
    const bomb = gzipSync(`[${"1,".repeat(2_000_000)}1]`);
    const response = await fetch(inngestUrl, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "Content-Encoding": "gzip",
        "X-Inngest-Signature": madeUpSignature(),
      },
      body: bomb,
    });
    expect(bomb.byteLength).toBeLessThan(10_000);
    expect(response.status).toBe(415);
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
    expect((await findUserById(t.db, user.id))?.id).toBe(user.id);
  });
});

describe("/api/inngest's log of refused calls", () => {
  const log = createCapturedLogger();
  const t = useTestDatabase("pglite");
  const server = useTestServer(() => ({ db: t.db, clerk, logger: log.logger, inngestLogger: log.logger }));
  let inngestUrl: string;

  beforeAll(() => {
    inngestUrl = `${server.url}/api/inngest?fnId=${INNGEST_APP_ID}-upsert-clerk-user&stepId=step`;
  });

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
    // Nested deeper than the SDK's canonicalisation recurses: its verification fails with a RangeError.
    const tooDeep = Array.from({ length: 20 }, () =>
      fetch(inngestUrl, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Inngest-Signature": madeUpSignature() },
        body: `${"[".repeat(20_000)}${"]".repeat(20_000)}`,
      }),
    );
    const statuses = (await Promise.all([...unsigned, ...malformed, ...madeUp, ...tooDeep])).map(
      (response) => response.status,
    );
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
  const t = useTestDatabase("pglite");
  const server = useTestServer(() => ({ db: t.db, clerk, inngestDev: true }));

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
    expect((await findUserById(t.db, user.id))?.id).toBe(user.id);
  });
});
