// @vitest-environment node
import { clerkUserJson, openTestDatabase, type TestDatabase } from "@repo/db/testing";
import { markUserDeleted, upsertUsersFromClerk, userSyncRowFromClerk } from "@repo/db/users";
import type { AppRouter } from "@repo/server/router";
import {
  createTestClerkInstance,
  signSessionToken,
  startTestServer,
  TEST_WEB_ORIGIN,
  type TestServer,
} from "@repo/server/testing";
import { createTRPCClient, httpBatchLink } from "@trpc/client";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeApiProblem } from "./trpc.ts";

const clerk = createTestClerkInstance();

/** The same link the app uses, pointed at a real server, so each failure is one the page really gets. */
function client(baseUrl: string, token: string | null) {
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: `${baseUrl}/api/trpc`,
        transformer: superjson,
        headers: () => (token ? { Authorization: `Bearer ${token}` } : {}),
      }),
    ],
  });
}

const failureOf = (promise: Promise<unknown>) =>
  promise.then(() => expect.fail("the call succeeded"), describeApiProblem);

describe("describeApiProblem, on the server's real answers", () => {
  let t: TestDatabase;
  let server: TestServer;
  beforeAll(async () => {
    t = await openTestDatabase("pglite");
    server = await startTestServer({ db: t.db, clerk });
  });
  afterAll(async () => {
    await server.close();
    await t.close();
  });

  it("no session: unauthorized", async () => {
    expect(await failureOf(client(server.url, null).user.me.query())).toEqual({ kind: "unauthorized" });
  });

  it("invalid input: the field messages", async () => {
    const user = clerkUserJson();
    await upsertUsersFromClerk(t.db, [userSyncRowFromClerk(user)]);
    const token = await signSessionToken(clerk, { userId: user.id, azp: TEST_WEB_ORIGIN });
    const problem = await failureOf(
      client(server.url, token).user.updateProfile.mutate({ displayName: "x".repeat(81) }),
    );
    expect(problem).toEqual({
      kind: "invalid-input",
      fieldErrors: { displayName: ["Display name must be at most 80 characters"] },
    });
  });

  it("a user deleted in Clerk: user-deleted", async () => {
    const user = clerkUserJson();
    await upsertUsersFromClerk(t.db, [userSyncRowFromClerk(user)]);
    await markUserDeleted(t.db, user.id);
    const token = await signSessionToken(clerk, { userId: user.id, azp: TEST_WEB_ORIGIN });
    expect(await failureOf(client(server.url, token).user.me.query())).toEqual({ kind: "user-deleted" });
  });

  it("nothing listening: unreachable", async () => {
    expect(await failureOf(client("http://127.0.0.1:9", null).user.me.query())).toEqual({ kind: "unreachable" });
  });
});
