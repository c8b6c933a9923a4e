import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { signEmailLink, verifyEmailLink } from "./unsubscribe-token.ts";

const secret = "a-test-link-secret-of-at-least-32-chars";
const purpose = "unsubscribe-product-emails" as const;
const now = new Date("2026-12-01T00:00:00Z");
const inADay = Math.floor(now.getTime() / 1000) + 86_400;

describe("signed email links", () => {
  it("a link it signed verifies, with the recipient it names", () => {
    const token = signEmailLink(secret, { recipient: "r-1", purpose, expiresAt: inADay });
    expect(verifyEmailLink(secret, token, { purpose, now })).toEqual({
      valid: true,
      claims: { recipient: "r-1", purpose, expiresAt: inADay },
    });
  });

  it("a payload changed to name another recipient is refused as forged", () => {
    const token = signEmailLink(secret, { recipient: "r-1", purpose, expiresAt: inADay });
    const [, signature] = token.split(".");
    const other = Buffer.from(JSON.stringify({ r: "r-2", p: purpose, e: inADay })).toString("base64url");
    expect(verifyEmailLink(secret, `${other}.${signature}`, { purpose, now })).toEqual({
      valid: false,
      reason: "forged",
    });
  });

  it("a link signed with another secret is refused as forged", () => {
    const token = signEmailLink(`${secret}-other`, { recipient: "r-1", purpose, expiresAt: inADay });
    expect(verifyEmailLink(secret, token, { purpose, now })).toMatchObject({ valid: false, reason: "forged" });
  });

  it("a link past its expiry is refused as expired", () => {
    const token = signEmailLink(secret, { recipient: "r-1", purpose, expiresAt: inADay });
    const later = new Date((inADay + 1) * 1000);
    expect(verifyEmailLink(secret, token, { purpose, now: later })).toMatchObject({ valid: false, reason: "expired" });
  });

  it("a link signed with the secret for another purpose is refused as wrong-purpose", () => {
    // Built by hand: signEmailLink only signs the purposes that exist today, and a later one (a
    // "confirm your address" link, say) must not unsubscribe.
    const payload = Buffer.from(JSON.stringify({ r: "r-1", p: "confirm-address", e: inADay })).toString("base64url");
    const signature = createHmac("sha256", secret).update(payload).digest("base64url");
    expect(verifyEmailLink(secret, `${payload}.${signature}`, { purpose, now })).toEqual({
      valid: false,
      reason: "wrong-purpose",
    });
  });

  it.each(["", "abc", "a.b.c", "payload.", ".sig", "pay load.sig"])("%j is refused as malformed", (token) => {
    expect(verifyEmailLink(secret, token, { purpose, now })).toMatchObject({ valid: false, reason: "malformed" });
  });
});
