import { randomBytes } from "node:crypto";
import { clerkUserJson } from "@repo/clerk/testing";
import type { ClerkUserJson } from "@repo/clerk/users";
import { countUsers, truncateAll, useTestDatabase } from "@repo/db/testing";
import { findUserById, type User } from "@repo/db/users";
import { createInngestClient, SEND_EVENT_TIMEOUT_MS } from "@repo/inngest/client";
import { createUpsertClerkUserFunction } from "@repo/inngest/sync/users";
import { runFunction, silentLogger } from "@repo/inngest/testing";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestClerkInstance } from "../testing/clerk-session.ts";
import { signClerkWebhook } from "../testing/clerk-webhooks.ts";
import {
  type InngestEventApiStub,
  startInngestEventApiStub,
  useInngestEventApiStub,
} from "../testing/inngest-stubs.ts";
import { findFreePort } from "../testing/test-server.ts";
import { type SuiteServer, useTestServer } from "../testing/use-test-server.ts";

const clerk = createTestClerkInstance();

/** The columns a Clerk sync writes, without the bookkeeping timestamps that say when it wrote them. */
function syncedColumns(row: User | undefined) {
  if (!row) return undefined;
  const { synced_at, created_at, updated_at, ...synced } = row;
  return synced;
}

describe("POST /api/webhooks/clerk", () => {
  const t = useTestDatabase("pglite");
  const inngestApi = useInngestEventApiStub();
  const server = useTestServer(() => ({ db: t.db, clerk, inngestBaseUrl: inngestApi.url }));

  const post = (target: SuiteServer, delivery: { headers: Record<string, string>; body: string }) =>
    fetch(`${target.url}/api/webhooks/clerk`, { method: "POST", headers: delivery.headers, body: delivery.body });

  it("forwards a verified user.created to Inngest once, with the svix id as the event id", async () => {
    const user = clerkUserJson();
    const delivery = signClerkWebhook({ type: "user.created", data: user });
    const response = await post(server, delivery);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ forwarded: "clerk/user.created", id: delivery.svixId });
    expect(inngestApi.events).toHaveLength(1);
    expect(inngestApi.events[0]).toMatchObject({
      id: delivery.svixId,
      name: "clerk/user.created",
      data: { id: user.id, updated_at: user.updated_at },
    });
    // The webhook only forwards; the row is written by the Inngest function.
    expect(await countUsers(t.db)).toBe(0);
  });

  it("forwards only the fields the sync reads, and the forwarded event writes the same row as Clerk's whole user", async () => {
    const user = clerkUserJson({
      last_sign_in_at: 1_767_300_000_123,
      private_metadata: { stripeCustomerId: "cus_PRIVATE" },
      unsafe_metadata: { referrer: "UNSAFE-REFERRER" },
      phone_numbers: [{ id: "idn_phone", object: "phone_number", phone_number: "+15555550100", linked_to: [] }],
      primary_phone_number_id: "idn_phone",
      external_accounts: [
        { id: "eac_google", object: "google_account", provider: "oauth_google", email_address: "ada@gmail.example" },
      ],
      web3_wallets: [
        { id: "idn_wallet", object: "web3_wallet", web3_wallet: "0xWALLET0000000000000000000000000000000" },
      ],
    });
    const delivery = signClerkWebhook({ type: "user.created", data: user });
    expect((await post(server, delivery)).status).toBe(200);

    const [event] = inngestApi.events;
    if (!event) throw new Error("no event reached the Inngest stand-in");
    const sent = JSON.stringify(event);
    for (const secret of ["cus_PRIVATE", "UNSAFE-REFERRER", "+15555550100", "ada@gmail.example", "0xWALLET"]) {
      expect(sent).not.toContain(secret);
    }
    const primary = user.email_addresses[1];
    expect(event.data).toEqual({
      id: user.id,
      primary_email_address_id: primary?.id,
      email_addresses: [{ id: primary?.id, email_address: primary?.email_address }],
      username: user.username,
      first_name: "Ada",
      last_name: "Lovelace",
      image_url: user.image_url,
      public_metadata: { plan: "free" },
      created_at: user.created_at,
      updated_at: user.updated_at,
      last_sign_in_at: 1_767_300_000_123,
    });

    // Inngest's own Clerk integration sends the whole user: both must end in the same row.
    const upsert = createUpsertClerkUserFunction(createInngestClient({ isDev: true, logger: silentLogger() }), {
      db: t.db,
    });
    const rowFrom = async (data: Record<string, unknown>) => {
      await truncateAll(t.db);
      expect((await runFunction(upsert, { name: "clerk/user.created", data })).error).toBeUndefined();
      return syncedColumns(await findUserById(t.db, user.id));
    };
    const fromForwarded = await rowFrom(event.data);
    expect(fromForwarded).toMatchObject({ email: primary?.email_address, first_name: "Ada" });
    expect(fromForwarded).toEqual(await rowFrom(user));
  });

  it("refuses a replay whose svix-id carries a trailing no-break space (which Clerk trims before verifying) with 400, and forwards nothing", async () => {
    const captured = signClerkWebhook({ type: "user.created", data: clerkUserJson() });
    expect((await post(server, captured)).status).toBe(200);
    // The captured delivery as it was signed, its svix-id ending in U+00A0: a legal header byte (obs-text).
    const replay = { ...captured, headers: { ...captured.headers, "svix-id": `${captured.svixId}\u00a0` } };
    const response = await post(server, replay);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: "Invalid webhook: svix-id header is not a Svix message id (msg_ followed by letters and digits)",
    });
    expect(inngestApi.events.map((event) => event.id)).toEqual([captured.svixId]);
  });

  it.each([
    ["a dot", "msg_2abc.DEF123"],
    ["a slash", "msg_2abc/DEF123"],
    ["an underscore after the prefix", "msg_2abc_DEF123"],
    ["another prefix", "evt_2abcDEF123"],
    ["no prefix", "2abcDEF123"],
    ["nothing after the prefix", "msg_"],
    ["65 characters after the prefix", `msg_${"a".repeat(65)}`],
  ])("refuses a signed delivery whose svix-id has %s with 400, and forwards nothing", async (_case, svixId) => {
    const response = await post(server, signClerkWebhook({ type: "user.created", data: clerkUserJson() }, { svixId }));
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("svix-id header is not a Svix message id");
    expect(inngestApi.events).toEqual([]);
  });

  it("forwards a delivery whose svix-id is a Svix message id of another length", async () => {
    const svixId = "msg_2LhA9KRb0pzN4LePd3XiA4v12Axj0";
    const response = await post(server, signClerkWebhook({ type: "user.created", data: clerkUserJson() }, { svixId }));
    expect(response.status).toBe(200);
    expect(inngestApi.events.map((event) => event.id)).toEqual([svixId]);
  });

  it("forwards a user.deleted as its id alone", async () => {
    const data = { id: "user_2deletedTestUser", object: "user", deleted: true, slug: "ada" };
    expect((await post(server, signClerkWebhook({ type: "user.deleted", data }))).status).toBe(200);
    expect(inngestApi.events.map((e) => e.data)).toEqual([{ id: "user_2deletedTestUser", deleted: true }]);
  });

  it("forwards user.updated and user.deleted under their clerk/ names", async () => {
    const user = clerkUserJson();
    await post(server, signClerkWebhook({ type: "user.updated", data: user }));
    await post(
      server,
      signClerkWebhook({ type: "user.deleted", data: { id: user.id, object: "user", deleted: true } }),
    );
    expect(inngestApi.events.map((e) => e.name)).toEqual(["clerk/user.updated", "clerk/user.deleted"]);
  });

  it("answers 200 to an event type it does not handle, and forwards nothing", async () => {
    const response = await post(server, signClerkWebhook({ type: "session.created", data: { id: "sess_1" } }));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ignored: "session.created" });
    expect(inngestApi.events).toEqual([]);
  });

  const badDeliveries: Array<[string, () => { headers: Record<string, string>; body: string }]> = [
    [
      "a signature made with another secret",
      () =>
        signClerkWebhook(
          { type: "user.created", data: clerkUserJson() },
          { secret: `whsec_${Buffer.from("another-secret-entirely-32-bytes").toString("base64")}` },
        ),
    ],
    [
      "no signature headers",
      () => {
        const { body } = signClerkWebhook({ type: "user.created", data: clerkUserJson() });
        return { headers: { "Content-Type": "application/json" }, body };
      },
    ],
    [
      "a body changed after signing",
      () => {
        const delivery = signClerkWebhook({ type: "user.created", data: clerkUserJson() });
        return { ...delivery, body: delivery.body.replace("Ada", "Eve") };
      },
    ],
    [
      "a timestamp ten minutes old",
      () =>
        signClerkWebhook({ type: "user.created", data: clerkUserJson() }, { at: new Date(Date.now() - 10 * 60_000) }),
    ],
    [
      "a timestamp ten minutes ahead",
      () =>
        signClerkWebhook({ type: "user.created", data: clerkUserJson() }, { at: new Date(Date.now() + 10 * 60_000) }),
    ],
    [
      "malformed JSON, correctly signed",
      () => signClerkWebhook({ type: "user.created", data: {} }, { rawBody: '{"type":"user.created","data":{' }),
    ],
    [
      "a user.created without an id",
      () => signClerkWebhook({ type: "user.created", data: { ...clerkUserJson(), id: undefined } }),
    ],
    [
      "a user.updated whose updated_at is a string",
      () => signClerkWebhook({ type: "user.updated", data: { ...clerkUserJson(), updated_at: "now" } }),
    ],
  ];

  it.each(badDeliveries)("rejects %s with 400 and forwards nothing", async (_case, makeDelivery) => {
    const response = await post(server, makeDelivery());
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toMatch(
      /Webhook verification failed|Invalid user\.\w+ payload/,
    );
    expect(inngestApi.events).toEqual([]);
  });

  it("names the bad field of an invalid payload", async () => {
    const response = await post(
      server,
      signClerkWebhook({ type: "user.created", data: { ...clerkUserJson(), email_addresses: [] } }),
    );
    expect(((await response.json()) as { error: string }).error).toMatch(/primary_email_address_id/);
  });

  // Each of these would fail the Inngest function's write on every retry (Postgres refuses NUL, lone
  // surrogates in jsonb, index entries over 2,704 bytes and six-digit years; JSON.stringify gives up on
  // deep nesting), or the webhook itself with a 5xx: refused at the door instead, naming the field.
  const unstorableDeliveries: Array<[string, () => { headers: Record<string, string>; body: string }, RegExp]> = [
    [
      "a NUL in first_name",
      () => signClerkWebhook({ type: "user.created", data: clerkUserJson({ first_name: "Ada\u0000" }) }),
      /first_name: contains a NUL character/,
    ],
    [
      "a lone surrogate in a public_metadata value",
      () => signClerkWebhook({ type: "user.updated", data: clerkUserJson({ public_metadata: { nick: "\ud800" } }) }),
      /public_metadata\.nick: contains a lone UTF-16 surrogate/,
    ],
    [
      "a NUL in a public_metadata key",
      () => signClerkWebhook({ type: "user.created", data: clerkUserJson({ public_metadata: { "a\u0000b": 1 } }) }),
      /public_metadata: has a key that contains a NUL character/,
    ],
    [
      "a NUL in the primary email address",
      () => {
        const user = clerkUserJson();
        const [other, primary] = user.email_addresses;
        const email_addresses = [other, { ...primary, email_address: "ada\u0000@example.org" }];
        return signClerkWebhook({ type: "user.created", data: { ...user, email_addresses } });
      },
      /email_addresses\.1\.email_address: contains a NUL/,
    ],
    [
      "public_metadata nested 10,000 levels deep",
      () => {
        const depth = 10_000;
        const body = JSON.stringify({
          object: "event",
          type: "user.created",
          data: clerkUserJson({ public_metadata: {} }),
        });
        const nested = `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
        return signClerkWebhook(
          { type: "", data: null },
          { rawBody: body.replace('"public_metadata":{}', `"public_metadata":${nested}`) },
        );
      },
      /public_metadata\.a\.a.*: is nested more than 64 levels deep/,
    ],
    [
      "an updated_at after the year 9999",
      () => signClerkWebhook({ type: "user.updated", data: clerkUserJson({ updated_at: Date.UTC(10_000, 0, 1) }) }),
      /updated_at: Too big/,
    ],
    [
      "an id of 3,000 random characters",
      () =>
        signClerkWebhook({ type: "user.created", data: clerkUserJson({ id: randomBytes(2_250).toString("base64") }) }),
      /^Invalid user\.created payload: id: is not a Clerk user id \(user_ followed by letters and digits\)$/,
    ],
    [
      "an id with a query string (it would reach Clerk's Backend API URL as one)",
      () => signClerkWebhook({ type: "user.created", data: clerkUserJson({ id: "user_B?x=" }) }),
      /^Invalid user\.created payload: id: is not a Clerk user id/,
    ],
    [
      "a user.deleted whose id has a NUL",
      () => signClerkWebhook({ type: "user.deleted", data: { id: "user_\u0000", object: "user", deleted: true } }),
      /^Invalid user\.deleted payload: id: is not a Clerk user id/,
    ],
    [
      "an event type that is a deeply nested value, not a string",
      () => {
        const depth = 10_000;
        const body = `{"object":"event","type":${"[".repeat(depth)}1${"]".repeat(depth)},"data":{}}`;
        return signClerkWebhook({ type: "", data: null }, { rawBody: body });
      },
      /type is not a string/,
    ],
  ];

  it.each(unstorableDeliveries)("refuses %s with 400 naming it, and forwards nothing", async (_case, make, reason) => {
    const response = await post(server, make());
    const { error } = (await response.json()) as { error: string };
    expect(response.status, error).toBe(400);
    expect(error).toMatch(reason);
    expect(inngestApi.events).toEqual([]);
  });
});

describe("POST /api/webhooks/clerk when Inngest refuses, fails or stalls", () => {
  // Svix gives up on a delivery after 15 s: the webhook must have answered 503 before, so Svix retries.
  const answeredWithinMs = SEND_EVENT_TIMEOUT_MS + 2_000;
  const t = useTestDatabase("pglite");
  // Inngest starts only in the middle of some tests (an outage's end), where this server expects it.
  let inngestPort: number;
  let inngestApi: InngestEventApiStub | undefined;
  beforeAll(async () => {
    inngestPort = await findFreePort();
  });
  const server = useTestServer(() => ({ db: t.db, clerk, inngestBaseUrl: `http://127.0.0.1:${inngestPort}/` }));
  afterEach(async () => {
    await inngestApi?.close();
    inngestApi = undefined;
  });

  async function deliver(delivery: { headers: Record<string, string>; body: string }) {
    const started = performance.now();
    try {
      const response = await fetch(`${server.url}/api/webhooks/clerk`, {
        method: "POST",
        headers: delivery.headers,
        body: delivery.body,
        signal: AbortSignal.timeout(answeredWithinMs),
      });
      await response.body?.cancel();
      return { status: response.status, elapsedMs: performance.now() - started };
    } catch (error) {
      if (error instanceof DOMException && error.name === "TimeoutError") {
        return { status: `no answer within ${answeredWithinMs} ms`, elapsedMs: performance.now() - started };
      }
      throw error;
    }
  }

  /** Svix's retry of a delivery: the same svix-id, signed again. Inngest must get its event exactly once. */
  async function expectRetryForwardedOnce(user: ClerkUserJson, svixId: string) {
    const retry = await deliver(signClerkWebhook({ type: "user.created", data: user }, { svixId }));
    expect(retry.status).toBe(200);
    expect(inngestApi?.events.filter((event) => event.id === svixId)).toHaveLength(1);
  }

  it("answers 503 when nothing listens where Inngest should be, and forwards Svix's retry once it does", async () => {
    const user = clerkUserJson();
    const delivery = signClerkWebhook({ type: "user.created", data: user });
    const answer = await deliver(delivery);
    expect(answer.status).toBe(503);
    expect(answer.elapsedMs).toBeLessThan(answeredWithinMs);

    inngestApi = await startInngestEventApiStub({ port: inngestPort });
    await expectRetryForwardedOnce(user, delivery.svixId);
  });

  it("answers 503 when Inngest fails with 500, and forwards Svix's retry once Inngest is back", async () => {
    inngestApi = await startInngestEventApiStub({ port: inngestPort });
    inngestApi.setMode("fail");
    const user = clerkUserJson();
    const delivery = signClerkWebhook({ type: "user.created", data: user });
    const answer = await deliver(delivery);
    expect(answer.status).toBe(503);
    expect(answer.elapsedMs).toBeLessThan(answeredWithinMs);
    expect(inngestApi.events).toEqual([]);

    inngestApi.setMode("accept");
    await expectRetryForwardedOnce(user, delivery.svixId);
  });

  it("answers 503 in time when Inngest never answers, hangs up on it, and forwards Svix's retry once Inngest answers", async () => {
    inngestApi = await startInngestEventApiStub({ port: inngestPort });
    inngestApi.setMode("stall");
    const user = clerkUserJson();
    const delivery = signClerkWebhook({ type: "user.created", data: user });
    const answer = await deliver(delivery);
    expect(answer.status).toBe(503);
    expect(answer.elapsedMs).toBeLessThan(answeredWithinMs);
    // No request is left hanging on the stalled Inngest.
    const stub = inngestApi;
    await vi.waitFor(() => expect(stub.stats.abandoned).toBe(stub.stats.requests));

    inngestApi.setMode("accept");
    await expectRetryForwardedOnce(user, delivery.svixId);
  });
});
