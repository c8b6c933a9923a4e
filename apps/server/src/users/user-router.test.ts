import { clerkUserJson, useClerkApiStub } from "@repo/clerk/testing";
import { userSyncRowFromClerk } from "@repo/clerk/users";
import { testDatabaseKinds, useTestDatabase } from "@repo/db/testing";
import { findUserById, markUserDeleted, upsertUsersFromClerk } from "@repo/db/users";

import { describe, expect, it } from "vitest";
import { createTestClerkInstance, signSessionToken } from "../testing/clerk-session.ts";
import { TEST_WEB_ORIGIN } from "../testing/test-server.ts";
import { callTrpc } from "../testing/trpc-http.ts";
import { useTestServer } from "../testing/use-test-server.ts";
import type { CurrentUser, UserProfile } from "./user-profile.ts";

const clerk = createTestClerkInstance();
/** `ascii` spelled in the invisible tag characters U+E0020–E007E, as a subdivision flag spells its region. */
const tags = (ascii: string) =>
  Array.from(ascii, (letter) => String.fromCodePoint(0xe0000 + (letter.codePointAt(0) ?? 0))).join("");
/** Another Clerk instance: its key signs tokens this server must not trust. */
const otherClerk = createTestClerkInstance();

describe.each(testDatabaseKinds())("user procedures over HTTP on %s", (kind) => {
  const t = useTestDatabase(kind);
  const clerkApi = useClerkApiStub();
  const server = useTestServer(() => ({ db: t.db, clerk, clerkApiUrl: clerkApi.url }));
  const token = (userId: string, options: Partial<Parameters<typeof signSessionToken>[1]> = {}) =>
    signSessionToken(clerk, { userId, azp: TEST_WEB_ORIGIN, ...options });

  async function storedUser() {
    const user = clerkUserJson();
    await upsertUsersFromClerk(t.db, [userSyncRowFromClerk(user)]);
    return user;
  }

  describe("user.me refuses every request without a valid session with 401, even for a stored user", () => {
    it.each([
      ["no token", async () => undefined],
      ["an expired token", (userId: string) => token(userId, { expiresInSeconds: -120 })],
      ["a token not valid yet", (userId: string) => token(userId, { notBeforeInSeconds: 120 })],
      ["a token signed by another key", (userId: string) => token(userId, { signWith: otherClerk.privateKey })],
      ["a token minted for another site (azp)", (userId: string) => token(userId, { azp: "https://evil.example" })],
      ["garbage", async () => "not-a-jwt"],
    ])("%s", async (_case, makeToken) => {
      const user = await storedUser();
      // Minted for the stored user, so only the token's flaw stands between the caller and the profile.
      const bearer = await makeToken(user.id);
      const response = await callTrpc(server.url, "user.me", bearer === undefined ? {} : { token: bearer });
      expect(response.status).toBe(401);
      expect(response.error?.data.code).toBe("UNAUTHORIZED");
      expect(response.data).toBeUndefined();
      expect(clerkApi.requests).toEqual([]);
    });
  });

  it("user.me returns the caller's profile, camelCase and without sync bookkeeping", async () => {
    const user = await storedUser();
    const response = await callTrpc<CurrentUser>(server.url, "user.me", { token: await token(user.id) });
    expect(response.status).toBe(200);
    expect(response.data).toEqual({
      profile: {
        id: user.id,
        email: user.email_addresses[1]?.email_address,
        username: user.username,
        firstName: user.first_name,
        lastName: user.last_name,
        imageUrl: user.image_url,
        displayName: null,
        bio: null,
        signedUpAt: new Date(user.created_at),
        changedInClerkAt: new Date(user.updated_at),
      },
      actor: null,
    });
    expect(clerkApi.requests).toEqual([]);
  });

  it("user.me names the impersonator when someone acts as the user, and says nothing otherwise", async () => {
    const user = await storedUser();
    const impersonated = await token(user.id, { actor: { sub: "user_support" } });
    const response = await callTrpc<CurrentUser>(server.url, "user.me", { token: impersonated });
    expect(response.status).toBe(200);
    expect(response.data?.actor).toEqual({ userId: "user_support" });
    expect(response.data?.profile.id).toBe(user.id);
  });

  it("user.me fetches a user the webhook has not delivered yet from Clerk, stores it, and a later older webhook does not regress it", async () => {
    const user = clerkUserJson({ first_name: "Fresh" });
    clerkApi.users.set(user.id, { ...user, updated_at: user.updated_at + 1000 });
    const response = await callTrpc<CurrentUser>(server.url, "user.me", { token: await token(user.id) });
    expect(response.status).toBe(200);
    expect(response.data?.profile.firstName).toBe("Fresh");
    expect(clerkApi.requests).toEqual([`GET /v1/users/${user.id}`]);
    expect((await findUserById(t.db, user.id))?.first_name).toBe("Fresh");
    // The user.created webhook arrives late, with the older version.
    await upsertUsersFromClerk(t.db, [userSyncRowFromClerk({ ...user, first_name: "Stale" })]);
    expect((await findUserById(t.db, user.id))?.first_name).toBe("Fresh");
  });

  it("user.me for a user Clerk does not know is 404, and one deleted in Clerk is 403 with a reason", async () => {
    const missing = await callTrpc(server.url, "user.me", { token: await token("user_unknown") });
    expect(missing.status).toBe(404);
    const user = await storedUser();
    await markUserDeleted(t.db, user.id);
    clerkApi.users.set(user.id, user);
    const deleted = await callTrpc(server.url, "user.me", { token: await token(user.id) });
    expect(deleted.status).toBe(403);
    expect(deleted.error?.data.reason).toBe("user_deleted");
    expect((await findUserById(t.db, user.id))?.email).toBeNull();
  });

  it("user.me answers 502 when Clerk's Backend API fails", async () => {
    clerkApi.failNext(10, 500);
    const response = await callTrpc(server.url, "user.me", { token: await token("user_new") });
    expect(response.status).toBe(502);
  });

  it("updateProfile persists trimmed values for the caller only", async () => {
    const user = await storedUser();
    const other = await storedUser();
    const response = await callTrpc<UserProfile>(server.url, "user.updateProfile", {
      token: await token(user.id),
      type: "mutation",
      input: { displayName: "  Countess  ", bio: "Wrote the first program." },
    });
    expect(response.status).toBe(200);
    expect(response.data).toEqual({
      id: user.id,
      email: user.email_addresses[1]?.email_address,
      username: user.username,
      firstName: user.first_name,
      lastName: user.last_name,
      imageUrl: user.image_url,
      displayName: "Countess",
      bio: "Wrote the first program.",
      signedUpAt: new Date(user.created_at),
      changedInClerkAt: new Date(user.updated_at),
    });
    expect(await findUserById(t.db, user.id)).toMatchObject({ display_name: "Countess" });
    expect((await findUserById(t.db, other.id))?.display_name).toBeNull();
  });

  it.each([
    ["a display name over 80 characters", { displayName: "x".repeat(81) }, "displayName"],
    ["a bio over 500 characters", { bio: "x".repeat(501) }, "bio"],
    ["a number for a name", { displayName: 7 }, "displayName"],
    ["someone else's id", { displayName: "Mallory", userId: "user_victim" }, undefined],
    ["a NUL in the bio (Postgres refuses it)", { bio: "a\u0000b" }, "bio"],
    ["a tab in the bio", { bio: "a\tb" }, "bio"],
    ["a lone carriage return in the bio", { bio: "a\rb" }, "bio"],
    ["a right-to-left override in the display name", { displayName: "evil\u202Egnp.exe" }, "displayName"],
    ["a bidi isolate in the bio", { bio: "a\u2066b\u2069" }, "bio"],
    ["a zero-width space in the display name", { displayName: "ad\u200Bmin" }, "displayName"],
    ["a zero-width joiner between Latin letters", { displayName: "ad\u200Dmin" }, "displayName"],
    ["a byte order mark inside the bio", { bio: "a\uFEFFb" }, "bio"],
    ["a Hangul filler as the whole display name", { displayName: "\u3164" }, "displayName"],
    ["a lone surrogate", { displayName: "a\uD800b" }, "displayName"],
    ["a noncharacter", { bio: "a\uFFFEb" }, "bio"],
    ["a newline in the display name", { displayName: "Ada\nLovelace" }, "displayName"],
    ["a line separator in the bio", { bio: "a\u2028b" }, "bio"],
    ["a run of variation selectors (data hidden in an emoji)", { bio: "\u2764\uFE0F\uFE0E\uFE0F" }, "bio"],
    [
      "441 code points on one letter, accents stacked behind joiners, in the bio",
      { bio: `\u0915${`\u200D\u093F${"\u0301".repeat(9)}`.repeat(40)}` },
      "bio",
    ],
    [
      "accents stacked behind joiners in the display name",
      { displayName: `\u0915${`\u200D\u093F${"\u0301".repeat(9)}`.repeat(7)}` },
      "displayName",
    ],
    ["viramas stacked behind non-joiners", { displayName: `\u0C95${"\u200C\u0CCD".repeat(30)}` }, "displayName"],
    [
      "invisible ASCII in tag characters after a black flag",
      { displayName: `Alice\u{1F3F4}${tags("admin")}\u{E007F}` },
      "displayName",
    ],
    [
      "a hidden byte in a variation selector after each letter",
      {
        displayName: [..."AliceSmith"]
          .map((letter, i) => letter + String.fromCodePoint(0xe0100 + ((i * 37) % 240)))
          .join(""),
      },
      "displayName",
    ],
    ["emoji style on Latin letters", { displayName: "A\uFE0Fl\uFE0Fi\uFE0Fc\uFE0Fe\uFE0F" }, "displayName"],
  ])("updateProfile rejects %s with 400 and leaves the row as it was", async (_case, input, field) => {
    const user = await storedUser();
    const response = await callTrpc(server.url, "user.updateProfile", {
      token: await token(user.id),
      type: "mutation",
      input,
    });
    expect(response.status).toBe(400);
    expect(response.error?.data.code).toBe("BAD_REQUEST");
    if (field) expect(response.error?.data.fieldErrors?.[field]?.[0]).toMatch(/.+/);
    expect(await findUserById(t.db, user.id)).toMatchObject({ display_name: null, bio: null });
  });

  it("updateProfile names the invisible character it refuses, next to its field", async () => {
    const user = await storedUser();
    const response = await callTrpc(server.url, "user.updateProfile", {
      token: await token(user.id),
      type: "mutation",
      input: { displayName: "ad\u200Bmin", bio: "fine" },
    });
    expect(response.error?.data.fieldErrors).toEqual({
      displayName: ["Display name contains an invisible or control character (U+200B): remove it"],
    });
  });

  it.each([
    [
      "a blank braille pattern as the whole display name",
      { displayName: "\u2800" },
      { displayName: ["Display name contains a character that looks blank (U+2800): remove it"] },
    ],
    [
      "a private-use character in the display name",
      { displayName: "Apple \uF8FF" },
      {
        displayName: [
          "Display name contains a private-use character (U+F8FF) that looks different on every device: remove it",
        ],
      },
    ],
    [
      "an unassigned code point in the bio",
      { bio: "a\u0378b" },
      { bio: ["Bio contains a character Unicode has not assigned (U+0378): remove it"] },
    ],
    [
      "480 combining marks on one letter in the bio",
      { bio: `Z${"\u0336".repeat(480)}algo` },
      { bio: ["Bio has more than 10 accents or other combining marks on one character: remove some"] },
    ],
    [
      "10,000 NULs in the display name, for their length before anything reads them",
      { displayName: "\u0000".repeat(10_000) },
      { displayName: ["Display name must be at most 80 characters"] },
    ],
  ])(
    "updateProfile refuses %s with 400 naming the field, and leaves the row as it was",
    async (_case, input, fieldErrors) => {
      const user = await storedUser();
      const response = await callTrpc(server.url, "user.updateProfile", {
        token: await token(user.id),
        type: "mutation",
        input,
      });
      expect(response.status).toBe(400);
      expect(response.error?.data.fieldErrors).toEqual(fieldErrors);
      expect(await findUserById(t.db, user.id)).toMatchObject({ display_name: null, bio: null });
    },
  );

  it("updateProfile stores text in NFC, keeps the bio's line breaks as \\n, and accepts emoji and scripts that need joiners", async () => {
    const user = await storedUser();
    const decomposed = "Zoe\u0308 Ame\u0301lie";
    const bio = "First line\r\nSecond 👩\u200D💻 ❤\uFE0F\nمی\u200Cخواهم";
    const response = await callTrpc<UserProfile>(server.url, "user.updateProfile", {
      token: await token(user.id),
      type: "mutation",
      input: { displayName: decomposed, bio },
    });
    expect(response.status).toBe(200);
    const stored = await findUserById(t.db, user.id);
    expect(stored?.display_name).toBe("Zo\u00EB Am\u00E9lie");
    expect(stored?.bio).toBe("First line\nSecond 👩\u200D💻 ❤\uFE0F\nمی\u200Cخواهم");
  });

  it("updateProfile accepts conjuncts and chillus written with joiners, the flags of Britain's nations and ideographic variants", async () => {
    const user = await storedUser();
    const displayName = "\u0DC1\u0DCA\u200D\u0DBB\u0DD3 \u845B\u{E0100}";
    const bio = `\u0915\u094D\u200D\u0937 \u0D05\u0D35\u0D28\u0D4D\u200D \u{1F3F4}${tags("gbwls")}\u{E007F} \u2764\uFE0F`;
    const response = await callTrpc<UserProfile>(server.url, "user.updateProfile", {
      token: await token(user.id),
      type: "mutation",
      input: { displayName, bio },
    });
    expect(response.status).toBe(200);
    expect(await findUserById(t.db, user.id)).toMatchObject({ display_name: displayName, bio });
  });

  it.each([
    ["malformed JSON", 400, "BAD_REQUEST", "{not json"],
    ["a body over 100 kB", 413, "PAYLOAD_TOO_LARGE", JSON.stringify({ json: { bio: "x".repeat(200_000) } })],
  ])("updateProfile answers %s with %i %s and leaves the row as it was", async (_case, status, code, rawBody) => {
    const user = await storedUser();
    const response = await callTrpc(server.url, "user.updateProfile", {
      token: await token(user.id),
      type: "mutation",
      rawBody,
    });
    expect(response.status).toBe(status);
    expect(response.error?.data.code).toBe(code);
    expect(await findUserById(t.db, user.id)).toMatchObject({ display_name: null, bio: null });
  });

  it("updateProfile without a session is 401 before its body is read, and writes nothing", async () => {
    const user = await storedUser();
    const response = await callTrpc(server.url, "user.updateProfile", {
      type: "mutation",
      rawBody: JSON.stringify({ json: { bio: "x".repeat(200_000) } }),
    });
    expect(response.status).toBe(401);
    expect((await findUserById(t.db, user.id))?.bio).toBeNull();
  });

  it("updateProfile without a session is 401 and writes nothing", async () => {
    const user = await storedUser();
    const response = await callTrpc(server.url, "user.updateProfile", {
      type: "mutation",
      input: { displayName: "X" },
    });
    expect(response.status).toBe(401);
    expect((await findUserById(t.db, user.id))?.display_name).toBeNull();
  });
});
