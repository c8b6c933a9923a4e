import { clerkUserJson } from "@repo/clerk/testing";
import { testDatabaseKinds, useTestDatabase } from "@repo/db/testing";
import { findUserById } from "@repo/db/users";
import { INNGEST_APP_ID } from "@repo/inngest/client";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createTestClerkInstance } from "../testing/clerk-session.ts";
import { signClerkWebhook } from "../testing/clerk-webhooks.ts";
import { driveInngestRun, useInngestEventApiStub } from "../testing/inngest-stubs.ts";
import { TEST_INNGEST_SIGNING_KEY } from "../testing/test-server.ts";
import { useTestServer } from "../testing/use-test-server.ts";

const clerk = createTestClerkInstance();

type Delivery = { headers: Record<string, string>; body: string };

/**
 * Strings that make trouble: any code point, bidi overrides, zero-width and astral characters, and now
 * and then a NUL or a lone surrogate (rare enough per character that a third of these have none).
 */
const nastyString = fc.string({
  unit: fc.oneof(
    { arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 1 }), weight: 6 },
    { arbitrary: fc.constantFrom("\u202e", "\u200b", "\ufeff", "😀", "\\", '"'), weight: 4 },
    fc.constantFrom("\u0000", "\ud800", "\udfff"),
  ),
  maxLength: 24,
});

/** Long strings: random (so Postgres cannot compress them below its index-entry limit), or repeated. */
const hugeString = fc.oneof(
  fc.uint8Array({ minLength: 1_500, maxLength: 6_000 }).map((bytes) => Buffer.from(bytes).toString("base64")),
  fc.integer({ min: 100_000, max: 600_000 }).map((length) => "a".repeat(length)),
);

/**
 * JSON nested deeper than JSON.stringify (a few thousand levels) or Postgres' jsonb parser can take.
 * Too deep to build as a value and stringify, it stands in the value as a placeholder that
 * eventBody() writes out as text.
 */
const deepJson = fc
  .record({ depth: fc.integer({ min: 50, max: 20_000 }), kind: fc.constantFrom("object", "array") })
  .map(({ depth, kind }) => `deep:${depth}:${kind}`);

function eventBody(type: unknown, data: unknown): string {
  const text = JSON.stringify({ object: "event", type, data, timestamp: Date.now(), instance_id: "ins_2test" });
  return text.replace(/"deep:(\d+):(object|array)"/g, (_placeholder, depth: string, kind: string) => {
    const levels = Number(depth);
    return kind === "object"
      ? `${'{"nested":'.repeat(levels)}"bottom"${"}".repeat(levels)}`
      : `${"[".repeat(levels)}"bottom"${"]".repeat(levels)}`;
  });
}

/** Anything that may stand where a field of a Clerk user is expected. */
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue(),
  deepJson,
  nastyString,
  hugeString,
  fc.constantFrom(-1, 0, 1.5, 253_402_300_800_000, 8.64e15 + 1, Number.MAX_SAFE_INTEGER, 1e300, "", null, [], {}),
  fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
  fc.dictionary(nastyString, fc.oneof(nastyString, fc.jsonValue()), { maxKeys: 3 }),
);

const userFields = Object.keys(clerkUserJson());
/** Where a mutation lands: any top-level field, an email address's own fields, or inside public_metadata. */
const fieldPath = fc.oneof(
  fc.constantFrom(...userFields).map((field) => [field]),
  fc.constantFrom("id", "email_address", "object").map((field) => ["email_addresses", "1", field]),
  nastyString.map((key) => ["public_metadata", key]),
);

/** The text fields the sync stores, where hostile but well-typed strings must still end in a row or a 400. */
const storedTextPath = fc.oneof(
  fc.constantFrom(
    ["first_name"],
    ["last_name"],
    ["username"],
    ["image_url"],
    ["email_addresses", "1", "email_address"],
  ),
  nastyString.map((key) => ["public_metadata", key]),
);

type Mutation = { path: readonly string[]; value: unknown } | { path: readonly string[]; remove: true };
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { arbitrary: fc.record({ path: storedTextPath, value: nastyString }), weight: 3 },
  fc.record({ path: fieldPath, value: anyValue }),
  fc.record({ path: fieldPath, remove: fc.constant(true as const) }),
);

function applyMutation(target: Record<string, unknown>, change: Mutation): void {
  let node: unknown = target;
  const parents = change.path.slice(0, -1);
  for (const key of parents) {
    if (typeof node !== "object" || node === null) return;
    node = (node as Record<string, unknown>)[key];
  }
  const last = change.path.at(-1);
  if (typeof node !== "object" || node === null || last === undefined) return;
  if ("remove" in change) delete (node as Record<string, unknown>)[last];
  else (node as Record<string, unknown>)[last] = change.value;
}

const clerkUserId = fc.stringMatching(/^user_2[A-Za-z0-9]{24}$/);

/** A valid Clerk user, then a few fields removed, retyped or filled with hostile strings. */
const mutatedUser = fc
  .record({
    id: clerkUserId,
    mutations: fc.array(mutation, { maxLength: 3 }),
  })
  .map(({ id, mutations }) => {
    const user: Record<string, unknown> = structuredClone(clerkUserJson({ id }));
    for (const change of mutations) applyMutation(user, change);
    return user;
  });

const deletedUser = fc
  .record({
    id: fc.oneof({ arbitrary: clerkUserId, weight: 3 }, anyValue),
    deleted: fc.oneof({ arbitrary: fc.constant(true), weight: 3 }, anyValue),
  })
  .map(({ id, deleted }) => ({ id, object: "user", deleted }));

const eventType: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom("user.created", "user.updated", "user.deleted"),
  fc.constantFrom("session.created", "organization.created", "email.created", "__proto__", "constructor"),
  nastyString,
  anyValue,
);

/** Mostly a type with data of its kind, so that many deliveries go all the way to the database. */
const clerkEvent = fc.oneof(
  { arbitrary: fc.record({ type: fc.constantFrom("user.created", "user.updated"), data: mutatedUser }), weight: 4 },
  { arbitrary: fc.record({ type: fc.constant("user.deleted"), data: deletedUser }), weight: 1 },
  {
    arbitrary: fc.record({ type: eventType, data: fc.oneof(mutatedUser, deletedUser, fc.jsonValue(), deepJson) }),
    weight: 3,
  },
);

/** A delivery Svix could have signed: any type, and data from a mutated user, a deleted user or random JSON. */
const signedDelivery: fc.Arbitrary<Delivery> = clerkEvent.map(({ type, data }) =>
  signClerkWebhook({ type: "", data: null }, { rawBody: eventBody(type, data) }),
);

const otherSecret = `whsec_${Buffer.from("another-secret-entirely-32-bytes").toString("base64")}`;

/** Deliveries that must never pass: bad signatures, stale timestamps, bodies that are not JSON. */
const forgedDelivery: fc.Arbitrary<Delivery> = fc.oneof(
  mutatedUser.map((data) => signClerkWebhook({ type: "user.created", data }, { secret: otherSecret })),
  fc
    .tuple(mutatedUser, fc.integer({ min: 6, max: 60 * 24 }), fc.boolean())
    .map(([data, minutes, ahead]) =>
      signClerkWebhook(
        { type: "user.updated", data },
        { at: new Date(Date.now() + (ahead ? 1 : -1) * minutes * 60_000) },
      ),
    ),
  fc.tuple(mutatedUser, nastyString).map(([data, extra]) => {
    const delivery = signClerkWebhook({ type: "user.created", data });
    return { ...delivery, body: `${delivery.body}${extra}` };
  }),
  fc
    .record({ id: nastyString, timestamp: nastyString, signature: nastyString })
    .chain((headers) => mutatedUser.map((data) => ({ headers, data })))
    .map(({ headers, data }) => {
      const delivery = signClerkWebhook({ type: "user.created", data });
      const printable = (value: string) => value.replace(/[^\x20-\x7e]/g, "");
      return {
        body: delivery.body,
        headers: {
          "Content-Type": "application/json",
          "svix-id": printable(headers.id),
          "svix-timestamp": printable(headers.timestamp),
          "svix-signature": printable(headers.signature),
        },
      };
    }),
  fc.oneof(nastyString, hugeString).map((rawBody) => signClerkWebhook({ type: "user.created", data: {} }, { rawBody })),
);

describe.each(testDatabaseKinds())("Clerk webhook under generated deliveries on %s", (kind) => {
  const t = useTestDatabase(kind);
  const inngestApi = useInngestEventApiStub();
  const server = useTestServer(() => ({ db: t.db, clerk, inngestBaseUrl: inngestApi.url }));

  const post = (delivery: Delivery) =>
    fetch(`${server.url}/api/webhooks/clerk`, { method: "POST", headers: delivery.headers, body: delivery.body });

  it("answers every delivery with a 2xx or a 4xx, forwards nothing it rejects, and stores what it forwards", async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(signedDelivery, signedDelivery, forgedDelivery), async (delivery) => {
        inngestApi.reset();
        const response = await post(delivery);
        const answer = await response.text();
        expect(response.status, answer).toBeGreaterThanOrEqual(200);
        expect(response.status, answer).toBeLessThan(500);
        if (response.status >= 300 || !answer.includes('"forwarded"')) {
          expect(inngestApi.events).toEqual([]);
          return;
        }
        // Accepted at the door: the Inngest function must then store it, not fail on every retry.
        expect(inngestApi.events).toHaveLength(1);
        const [event] = inngestApi.events;
        if (!event) return;
        const run = await driveInngestRun({
          serveUrl: `${server.url}/api/inngest`,
          appId: INNGEST_APP_ID,
          functionId: event.name === "clerk/user.deleted" ? "tombstone-clerk-user" : "upsert-clerk-user",
          event,
          signingKey: TEST_INNGEST_SIGNING_KEY,
        });
        expect(run.status, JSON.stringify(run.body)).toBe(200);
        expect(await findUserById(t.db, String(event.data.id))).toBeDefined();
      }),
      { numRuns: 300 },
    );
  });
});
