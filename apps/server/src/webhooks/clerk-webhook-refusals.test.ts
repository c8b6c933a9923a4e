import { gzipSync } from "node:zlib";
import { clerkUserJson } from "@repo/clerk/testing";
import { useTestDatabase } from "@repo/db/testing";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestClerkInstance } from "../testing/clerk-session.ts";
import { signClerkWebhook } from "../testing/clerk-webhooks.ts";
import { startInngestEventApiStub } from "../testing/inngest-stubs.ts";
import { postPartOfBody } from "../testing/partial-body.ts";
import { useTestServer } from "../testing/use-test-server.ts";

const clerk = createTestClerkInstance();

/** Not JSON, and never completed: parsing it would fail, and waiting for it would never end. */
const notJson = Buffer.alloc(64 * 1024, "{[not json");

describe("POST /api/webhooks/clerk refuses what its headers condemn before reading the body", () => {
  let inngestApi: Awaited<ReturnType<typeof startInngestEventApiStub>>;
  beforeAll(async () => {
    inngestApi = await startInngestEventApiStub();
  });
  afterAll(() => inngestApi.close());
  beforeEach(() => {
    inngestApi.events.length = 0;
  });
  const t = useTestDatabase("pglite");
  const server = useTestServer(() => ({ db: t.db, clerk, inngestBaseUrl: inngestApi.url }));
  const webhookUrl = () => `${server.url}/api/webhooks/clerk`;
  const signed = () => signClerkWebhook({ type: "user.created", data: clerkUserJson() }).headers;

  it.each([
    ["no Svix headers", () => ({})],
    ["an svix-id that is not a Svix message id", () => ({ ...signed(), "svix-id": "msg_2abc.DEF" })],
    [
      "a timestamp ten minutes old",
      () => ({ ...signed(), "svix-timestamp": `${Math.floor(Date.now() / 1000) - 600}` }),
    ],
    ["a timestamp that is not a number", () => ({ ...signed(), "svix-timestamp": "now" })],
    ["a signature that is not Svix's form", () => ({ ...signed(), "svix-signature": "trust-me" })],
  ])("answers 400 to %s while its 500 kB body is still unsent", async (_case, headers) => {
    const status = await postPartOfBody(webhookUrl(), {
      headers: headers(),
      announcedBytes: 500 * 1024,
      firstPart: notJson,
    });
    expect(status).toBe(400);
    expect(inngestApi.events).toEqual([]);
  });

  it("refuses a compressed body unread (415), however well signed its headers", async () => {
    const delivery = signClerkWebhook({ type: "user.created", data: clerkUserJson() });
    const response = await fetch(webhookUrl(), {
      method: "POST",
      headers: { ...delivery.headers, "Content-Encoding": "gzip" },
      body: gzipSync(delivery.body),
    });
    expect(response.status).toBe(415);
    expect(inngestApi.events).toEqual([]);
  });

  it("says why a signature failed without naming the library that checked it", async () => {
    const delivery = signClerkWebhook({ type: "user.created", data: clerkUserJson() });
    const response = await fetch(webhookUrl(), {
      method: "POST",
      headers: delivery.headers,
      body: delivery.body.replace("Ada", "Eve"),
    });
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: string };
    expect(error).toMatch(/^Webhook verification failed: /);
    expect(error).not.toMatch(/@clerk/);
  });
});
