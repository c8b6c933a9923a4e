import { clerkUserJson, useClerkApiStub } from "@repo/clerk/testing";
import { testDatabaseKinds, useTestDatabase } from "@repo/db/testing";
import { findUserById } from "@repo/db/users";

import { describe, expect, it } from "vitest";
import { createTestClerkInstance, signSessionToken } from "../testing/clerk-session.ts";
import { findFreePort, TEST_WEB_ORIGIN } from "../testing/test-server.ts";
import { callTrpc } from "../testing/trpc-http.ts";
import { type SuiteServer, useTestServer } from "../testing/use-test-server.ts";
import type { CurrentUser } from "./user-profile.ts";

const clerk = createTestClerkInstance();
/** The lookup's bound in these tests; production uses CLERK_LOOKUP_TIMEOUT_MS. */
const LOOKUP_TIMEOUT_MS = 500;
/** Time allowed past the bound for the answer to travel back (a loaded 2-core machine included). */
const MARGIN_MS = 1_500;

describe.each(testDatabaseKinds())("user.me's lookup in Clerk when Clerk fails, over HTTP on %s", (kind) => {
  const t = useTestDatabase(kind);
  const clerkApi = useClerkApiStub();
  const serverOptions = () => ({ db: t.db, clerk, clerkLookupTimeoutMs: LOOKUP_TIMEOUT_MS });
  /** Asks the stub for users. */
  const server = useTestServer(() => ({ ...serverOptions(), clerkApiUrl: clerkApi.url }));
  /** Asks a loopback port nothing listens on: every connection is refused. */
  const refusedServer = useTestServer(async () => ({
    ...serverOptions(),
    clerkApiUrl: `http://127.0.0.1:${await findFreePort()}`,
  }));
  const userMe = (via: SuiteServer, userId: string) =>
    signSessionToken(clerk, { userId, azp: TEST_WEB_ORIGIN }).then((token) =>
      callTrpc<CurrentUser>(via.url, "user.me", { token }),
    );

  it("Clerk accepts the request and never answers: 502 within the bound, saying so, and nothing is written", async () => {
    const user = clerkUserJson();
    clerkApi.users.set(user.id, user);
    let answer = () => {};
    clerkApi.onRequest = () => new Promise<void>((resolve) => (answer = resolve));

    const started = performance.now();
    const response = await userMe(server, user.id);
    const elapsedMs = performance.now() - started;

    expect(response.status).toBe(502);
    expect(response.error?.data.code).toBe("BAD_GATEWAY");
    expect(response.error?.message).toMatch(/Clerk's Backend API did not answer within 0\.5 s.*try again/i);
    expect(elapsedMs).toBeLessThan(LOOKUP_TIMEOUT_MS + MARGIN_MS);
    expect(clerkApi.requests).toEqual([`GET /v1/users/${user.id}`]);

    // Clerk answers at last, after the caller was told it failed: the late answer is dropped, not stored.
    answer();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await findUserById(t.db, user.id)).toBeUndefined();
  });

  it("Clerk refuses the connection: 502 saying Clerk cannot be reached, and nothing is written", async () => {
    const response = await userMe(refusedServer, "user_refused");
    expect(response.status).toBe(502);
    expect(response.error?.message).toMatch(/could not reach Clerk's Backend API.*try again/i);
    expect(await findUserById(t.db, "user_refused")).toBeUndefined();
  });

  it.each([500, 503])("Clerk answers %i: 502 naming the status, and nothing is written", async (status) => {
    const user = clerkUserJson();
    clerkApi.users.set(user.id, user);
    clerkApi.failNext(1, status);
    const response = await userMe(server, user.id);
    expect(response.status).toBe(502);
    expect(response.error?.message).toMatch(
      new RegExp(`Clerk's Backend API failed with HTTP ${status}.*try again`, "i"),
    );
    expect(await findUserById(t.db, user.id)).toBeUndefined();
  });

  it("once Clerk answers again, the same call stores the user and returns it", async () => {
    const user = clerkUserJson({ first_name: "Back" });
    clerkApi.users.set(user.id, user);
    clerkApi.failNext(1, 500);
    expect((await userMe(server, user.id)).status).toBe(502);
    const response = await userMe(server, user.id);
    expect(response).toMatchObject({ status: 200, data: { profile: { id: user.id, firstName: "Back" } } });
    expect((await findUserById(t.db, user.id))?.first_name).toBe("Back");
  });

  it("asks Clerk once for a user it does not have, however many requests ask, at once or in a row", async () => {
    const responses = await Promise.all(Array.from({ length: 10 }, () => userMe(server, "user_goneFromClerk")));
    expect(responses.map((r) => r.status)).toEqual(Array(10).fill(404));
    for (let i = 0; i < 3; i++) expect((await userMe(server, "user_goneFromClerk")).status).toBe(404);
    expect(clerkApi.requests).toEqual(["GET /v1/users/user_goneFromClerk"]);
  });

  it("asks Clerk once for a new user many requests want at once, and all of them get it", async () => {
    const user = clerkUserJson({ first_name: "Burst" });
    clerkApi.users.set(user.id, user);
    const responses = await Promise.all(Array.from({ length: 10 }, () => userMe(server, user.id)));
    expect(responses.map((r) => r.data?.profile.firstName)).toEqual(Array(10).fill("Burst"));
    expect(clerkApi.requests).toEqual([`GET /v1/users/${user.id}`]);
  });
});
