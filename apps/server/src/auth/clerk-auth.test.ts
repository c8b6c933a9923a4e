import { getCookieSuffix } from "@clerk/shared/keys";
import { useClerkApiStub } from "@repo/clerk/testing";
import { useTestDatabase } from "@repo/db/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestClerkInstance, type SessionTokenOptions, signSessionToken } from "../testing/clerk-session.ts";
import { TEST_WEB_ORIGIN } from "../testing/test-server.ts";
import { callTrpc } from "../testing/trpc-http.ts";
import { useTestServer } from "../testing/use-test-server.ts";
import { VerifiedSessionCache } from "./verified-session-cache.ts";

const clerk = createTestClerkInstance();
/** Another Clerk instance: its key signs tokens this server must not trust. */
const otherClerk = createTestClerkInstance();

describe("remembered session verifications, over HTTP", () => {
  const cache = new VerifiedSessionCache();
  const t = useTestDatabase("pglite");
  const server = useTestServer(() => ({ db: t.db, clerk, sessionCache: cache }));
  const whoami = (token?: string) => callTrpc<{ userId: string }>(server.url, "auth.whoami", token ? { token } : {});

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
    const forged = await signSessionToken(clerk, {
      userId: "user_victim",
      azp: TEST_WEB_ORIGIN,
      signWith: otherClerk.privateKey,
    });
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

describe("only session JWTs sent as bearers are verified, and never with a call to Clerk", () => {
  const cache = new VerifiedSessionCache();
  const t = useTestDatabase("pglite");
  // CLERK_JWT_KEY is set (as production requires) and every Backend API call lands on the stub, which
  // counts it: every test here expects none.
  const clerkApi = useClerkApiStub();
  const server = useTestServer(() => ({ db: t.db, clerk, clerkApiUrl: clerkApi.url, sessionCache: cache }));
  const whoami = (options: Parameters<typeof callTrpc>[2]) => callTrpc(server.url, "auth.whoami", options);
  const token = (options: Partial<SessionTokenOptions> = {}) =>
    signSessionToken(clerk, { userId: "user_caller", azp: TEST_WEB_ORIGIN, ...options });
  const now = () => Math.floor(Date.now() / 1000);

  afterEach(() => {
    expect(clerkApi.requests).toEqual([]);
  });

  it.each([
    ["a Clerk API key (ak_)", async () => `ak_${"Yk9pTnRlc3RBcGlLZXk".repeat(2)}`],
    ["an M2M token (mt_)", async () => `mt_${"bTJtVGVzdFRva2Vu".repeat(2)}`],
    ["an OAuth token (oat_)", async () => `oat_${"b2F1dGhUZXN0VG9rZW4".repeat(2)}`],
    ["an OAuth access token as a JWT (typ at+jwt), signed with the instance's key", () => token({ typ: "at+jwt" })],
    ["an M2M token as a JWT (sub mch_), signed with the instance's key", () => token({ userId: "mch_2machine" })],
    ["a JWT with a kid Clerk never issued", () => token({ kid: "ins_unknownKeyId", signWith: otherClerk.privateKey })],
    ["a JWT whose header says alg none", async () => unsignedJwt({ sub: "user_caller", azp: TEST_WEB_ORIGIN })],
    ["a token of a session still pending (sign-up tasks not finished)", () => token({ sessionStatus: "pending" })],
    ["garbage", async () => "not-a-jwt"],
    ["three garbage segments", async () => "a.b.c"],
  ])("%s: 401", async (_case, makeToken) => {
    const response = await whoami({ token: await makeToken() });
    expect(response.status).toBe(401);
    expect(response.error?.data.code).toBe("UNAUTHORIZED");
  });

  it.each([
    ["a token without the Bearer scheme", async () => await token()],
    ["a bearer followed by more text", async () => `Bearer ${await token()} extra`],
    ["a lower-case scheme", async () => `bearer ${await token()}`],
    ["two spaces after Bearer", async () => `Bearer  ${await token()}`],
    ["Basic credentials", async () => `Basic ${Buffer.from("user:password").toString("base64")}`],
  ])("an Authorization header with %s, even around a valid token: 401", async (_case, makeHeader) => {
    const response = await whoami({ headers: { Authorization: await makeHeader() } });
    expect(response.status).toBe(401);
  });

  it("an expired bearer with Clerk's refresh cookie is 401, and the expired token alone stays 401", async () => {
    const expired = await token({ userId: "user_refresh", expiresInSeconds: -60 });
    const fresh = await token({ userId: "user_refresh" });
    // What Clerk's Backend API would answer to a session refresh: a fresh, valid session token.
    const suffix = await getCookieSuffix(clerk.publishableKey);
    clerkApi.refreshedSessionCookies = [`__session_${suffix}=${fresh}; Path=/; SameSite=Lax`];
    const cookie = `__refresh_${suffix}=refresh-token-value; __client_uat_${suffix}=${now()}`;
    expect((await whoami({ token: expired, headers: { Cookie: cookie } })).status).toBe(401);
    expect((await whoami({ token: expired })).status).toBe(401);
    expect(cache.size).toBe(0);
  });

  it("an expired bearer on a page navigation is 401, never a redirect to Clerk's handshake", async () => {
    const expired = await token({ expiresInSeconds: -60 });
    const response = await fetch(`${server.url}/api/trpc/auth.whoami`, {
      headers: { Authorization: `Bearer ${expired}`, Accept: "text/html", "Sec-Fetch-Dest": "document" },
      redirect: "manual",
    });
    expect(response.status).toBe(401);
  });

  it("a session cookie without a bearer is 401: the API reads the Authorization header only", async () => {
    const suffix = await getCookieSuffix(clerk.publishableKey);
    const session = await token();
    const cookie = [
      `__session_${suffix}=${session}`,
      `__session=${session}`,
      `__client_uat_${suffix}=${now() - 60}`,
      `__client_uat=${now() - 60}`,
      `__clerk_db_jwt_${suffix}=dvb_testDevBrowser`,
      "__clerk_db_jwt=dvb_testDevBrowser",
    ].join("; ");
    expect((await whoami({ headers: { Cookie: cookie } })).status).toBe(401);
  });

  it("a request naming a Clerk handshake nonce or token is 401, and Clerk is not asked about it", async () => {
    const handshake = await token();
    for (const query of [`__clerk_handshake_nonce=nonce_1`, `__clerk_handshake=${handshake}`]) {
      const response = await fetch(`${server.url}/api/trpc/auth.whoami?${query}`, { redirect: "manual" });
      expect(response.status).toBe(401);
    }
  });

  it("a valid session JWT still passes", async () => {
    const response = await whoami({ token: await token({ userId: "user_valid" }) });
    expect(response).toMatchObject({ status: 200, data: { userId: "user_valid" } });
  });
});

/** A JWT with `alg: none` and no signature, as an attacker hoping for a verifier that trusts the header. */
function unsignedJwt(payload: Record<string, unknown>): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const exp = Math.floor(Date.now() / 1000) + 60;
  return `${encode({ alg: "none", typ: "JWT" })}.${encode({ ...payload, exp, iat: exp - 60, nbf: exp - 70 })}.`;
}
