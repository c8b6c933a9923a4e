import { generateKeyPairSync } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestClerkInstance, signSessionToken } from "../testing/clerk-session.ts";
import { startTestServerWithDatabase, TEST_WEB_ORIGIN } from "../testing/test-server.ts";
import { callTrpc } from "../testing/trpc-http.ts";
import { VerifiedSessionCache } from "./verified-session-cache.ts";

const clerk = createTestClerkInstance();

describe("remembered session verifications, over HTTP", () => {
  let server: Awaited<ReturnType<typeof startTestServerWithDatabase>>;
  const cache = new VerifiedSessionCache();
  const whoami = (token?: string) => callTrpc<{ userId: string }>(server.url, "auth.whoami", token ? { token } : {});

  beforeAll(async () => {
    server = await startTestServerWithDatabase({ clerk, sessionCache: cache });
  });
  afterAll(() => server.close());
  beforeEach(() => {
    cache.hits = 0;
    cache.misses = 0;
  });

  it("verifies a token with Clerk's SDK the first time, then answers from memory", async () => {
    const token = await signSessionToken(clerk, { userId: "user_fast", azp: TEST_WEB_ORIGIN });
    const first = await whoami(token);
    expect(first).toMatchObject({ status: 200, data: { userId: "user_fast" } });
    expect([cache.hits, cache.misses]).toEqual([0, 1]);
    for (let i = 0; i < 5; i++) expect((await whoami(token)).data?.userId).toBe("user_fast");
    expect([cache.hits, cache.misses]).toEqual([5, 1]);
  });

  it("never lets a forged token pass, even one with the claims of a remembered token", async () => {
    const token = await signSessionToken(clerk, { userId: "user_victim", azp: TEST_WEB_ORIGIN });
    expect((await whoami(token)).status).toBe(200);
    const otherKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
    const forged = await signSessionToken(clerk, { userId: "user_victim", azp: TEST_WEB_ORIGIN, signWith: otherKey });
    const [header, payload] = token.split(".");
    const tampered = `${header}.${payload}.${forged.split(".")[2]}`;
    for (let i = 0; i < 3; i++) {
      expect((await whoami(forged)).status).toBe(401);
      expect((await whoami(tampered)).status).toBe(401);
    }
  });

  it("never lets a wrong-azp or expired token pass, however often it is sent", async () => {
    const wrongAzp = await signSessionToken(clerk, { userId: "user_x", azp: "https://evil.example" });
    const expired = await signSessionToken(clerk, { userId: "user_x", azp: TEST_WEB_ORIGIN, expiresInSeconds: -60 });
    for (let i = 0; i < 3; i++) {
      expect((await whoami(wrongAzp)).status).toBe(401);
      expect((await whoami(expired)).status).toBe(401);
    }
    expect(cache.hits).toBe(0);
  });

  it("forgets a token at its exp: the next request is verified by Clerk again", async () => {
    const token = await signSessionToken(clerk, { userId: "user_short", azp: TEST_WEB_ORIGIN, expiresInSeconds: 1 });
    expect((await whoami(token)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await whoami(token);
    expect([cache.hits, cache.misses]).toEqual([0, 2]);
  });
});
