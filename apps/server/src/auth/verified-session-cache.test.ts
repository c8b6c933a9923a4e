import { describe, expect, it } from "vitest";
import { signedOut } from "./auth-state.ts";
import { VerifiedSessionCache } from "./verified-session-cache.ts";

describe("VerifiedSessionCache", () => {
  const session = (expiresAtMs: number) => ({
    auth: { ...signedOut, userId: "user_1", sessionId: "sess_1" },
    expiresAtMs,
  });

  it("answers only for the exact token it was given", () => {
    const cache = new VerifiedSessionCache({ now: () => 1_000 });
    cache.remember("header.payload.signature", session(61_000));
    expect(cache.get("header.payload.signature")).toMatchObject({ auth: { userId: "user_1" } });
    expect(cache.get("header.payload.signaturf")).toBeUndefined();
    expect(cache.get("header.payload.signature ")).toBeUndefined();
    expect([cache.hits, cache.misses]).toEqual([1, 2]);
  });

  it("drops an entry at the token's exp, not a millisecond later", () => {
    let now = 1_000;
    const cache = new VerifiedSessionCache({ now: () => now });
    cache.remember("t", session(61_000));
    now = 60_999;
    expect(cache.get("t")).toBeDefined();
    now = 61_000;
    expect(cache.get("t")).toBeUndefined();
    now = 1_000; // even if the clock went back, the entry is gone
    expect(cache.get("t")).toBeUndefined();
  });

  it("never stores a token that is already expired", () => {
    const cache = new VerifiedSessionCache({ now: () => 61_000 });
    cache.remember("t", session(61_000));
    expect(cache.size).toBe(0);
  });

  it("holds at most maxEntries tokens, evicting the least recently used", () => {
    const cache = new VerifiedSessionCache({ now: () => 0, maxEntries: 100 });
    for (let i = 0; i < 250; i++) cache.remember(`token-${i}`, session(60_000));
    expect(cache.size).toBe(100);
    expect(cache.get("token-0")).toBeUndefined();
    expect(cache.get("token-249")).toBeDefined();
  });
});
