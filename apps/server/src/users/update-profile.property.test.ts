import { clerkUserJson } from "@repo/clerk/testing";
import { userSyncRowFromClerk } from "@repo/clerk/users";
import { testDatabaseKinds, useTestDatabase } from "@repo/db/testing";
import { findUserById, updateUserProfile, upsertUsersFromClerk } from "@repo/db/users";
import fc from "fast-check";
import superjson from "superjson";
import { describe, expect, it } from "vitest";
import { createTestClerkInstance, signSessionToken } from "../testing/clerk-session.ts";
import { TEST_WEB_ORIGIN } from "../testing/test-server.ts";
import { callTrpc } from "../testing/trpc-http.ts";
import { useTestServer } from "../testing/use-test-server.ts";
import { findRefusedCharacter } from "../validation/user-text.ts";

const clerk = createTestClerkInstance();

/** Characters that broke or fooled the profile before: NUL, controls, bidi, zero-width, surrogate halves. */
const nastyCharacter = fc.constantFrom(
  "\u0000",
  "\t",
  "\r",
  "\n",
  "\r\n",
  "\u007F",
  "\u0085",
  "\u00AD",
  "\u200B",
  "\u200C",
  "\u200D",
  "\u200E",
  "\u202A",
  "\u202E",
  "\u2028",
  "\u2066",
  "\u2069",
  "\u3164",
  "\uD800",
  "\uDFFF",
  "\uFDD0",
  "\uFE0F",
  "\uFEFF",
  "\uFFFE",
  "\u{E0041}",
  "\u0301",
  "e\u0301",
  "👩\u200D💻",
  "می",
  " ",
);

const text = fc.oneof(
  // Mostly ordinary text with the odd nasty character among it.
  fc.string({ unit: fc.oneof({ weight: 3, arbitrary: fc.constantFrom("a", "Z", "é", "東", "😀") }, nastyCharacter) }),
  // Any UTF-16 code units at all, so unpaired surrogates too.
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit)), maxLength: 100 }),
  // Any code points, up to past the bio's limit.
  fc.string({ unit: "binary", maxLength: 600 }),
  // Huge: past the length limits, and past the 100 kB body limit.
  fc
    .tuple(fc.constantFrom("x", "é", "😀", "\u0000 "), fc.integer({ min: 70, max: 120_000 }))
    .map(([piece, times]) => piece.repeat(times)),
);

/** A field's value: text most of the time, else null, absent, or whatever else JSON and superjson can carry. */
const fieldValue = fc.oneof({ weight: 4, arbitrary: text }, fc.constant(null), fc.constant(undefined), fc.anything());

const profileInput = fc.oneof(
  { weight: 5, arbitrary: fc.record({ displayName: fieldValue, bio: fieldValue }, { requiredKeys: [] }) },
  // Extra keys, such as someone else's id.
  fc
    .tuple(fc.record({ displayName: fieldValue }), fc.dictionary(fc.string(), fc.anything(), { minKeys: 1 }))
    .map(([known, extra]) => ({ ...extra, ...known })),
  // Not an object at all.
  fc.anything(),
);

/** Bodies no tRPC client would send: broken JSON, bare JSON, and superjson envelopes whose meta lies. */
const rawBody = fc.oneof(
  fc.string(),
  fc.json(),
  fc.record({ json: fc.jsonValue(), meta: fc.jsonValue() }).map((envelope) => JSON.stringify(envelope)),
  fc
    .record({
      displayName: text,
      type: fc.constantFrom(
        "Date",
        "bigint",
        "regexp",
        "set",
        "map",
        "Error",
        "undefined",
        "number",
        "symbol",
        "custom",
      ),
    })
    .map(({ displayName, type }) =>
      JSON.stringify({ json: { displayName }, meta: { values: { displayName: [type, displayName] } } }),
    ),
);

const request = fc.oneof(
  { weight: 3, arbitrary: profileInput.map((input) => ({ rawBody: asTrpcClientSends(input) })) },
  rawBody.map((body) => ({ rawBody: body })),
);

/** The body a tRPC client sends for `input`; superjson refuses some objects (a "__proto__" key), so then plain JSON. */
function asTrpcClientSends(input: unknown): string {
  try {
    return JSON.stringify(superjson.serialize(input));
  } catch {
    return JSON.stringify({ json: input });
  }
}

/** What a stored profile text must look like, whatever was sent. */
function expectStoredText(value: string | null, options: { max: number; multiline: boolean }) {
  if (value === null) return;
  expect(value.length).toBeGreaterThan(0);
  expect([...value].length).toBeLessThanOrEqual(options.max);
  expect(value).toBe(value.normalize("NFC").trim());
  expect(findRefusedCharacter(value, options)).toBeUndefined();
}

describe.each(testDatabaseKinds())("user.updateProfile with generated input over HTTP on %s", (kind) => {
  const t = useTestDatabase(kind);
  const server = useTestServer(() => ({ db: t.db, clerk }));

  it("answers every input with 2xx or 4xx, never 5xx; a refused one changes nothing, a stored one is clean", async () => {
    const user = clerkUserJson();
    await upsertUsersFromClerk(t.db, [userSyncRowFromClerk(user)]);
    const token = await signSessionToken(clerk, { userId: user.id, azp: TEST_WEB_ORIGIN, expiresInSeconds: 600 });

    await fc.assert(
      fc.asyncProperty(request, async (sent) => {
        // Every run starts from the same row, so a counterexample fast-check shrinks to fails on its own.
        const before = await updateUserProfile(t.db, user.id, { display_name: "Ada", bio: "Before" });
        const response = await callTrpc(server.url, "user.updateProfile", { token, type: "mutation", ...sent });
        expect(response.status).toBeGreaterThanOrEqual(200);
        expect(response.status).toBeLessThan(500);
        const after = await findUserById(t.db, user.id);
        if (response.status >= 400) {
          expect(after).toEqual(before);
          return;
        }
        expectStoredText(after?.display_name ?? null, { max: 80, multiline: false });
        expectStoredText(after?.bio ?? null, { max: 500, multiline: true });
      }),
      { numRuns: 100 },
    );
  });
});
