// @vitest-environment node

import { clerkUserJson } from "@repo/clerk/testing";
import { userSyncRowFromClerk } from "@repo/clerk/users";
import { markUserDeleted, upsertUsersFromClerk } from "@repo/db/users";
import { TRPC_MAX_BATCH_SIZE } from "@repo/server/limits";
import type { AppRouter } from "@repo/server/router";
import {
  createTestClerkInstance,
  signSessionToken,
  startTestServerWithDatabase,
  TEST_WEB_ORIGIN,
} from "@repo/server/testing";
import { createTRPCClient } from "@trpc/client";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createApiLink, describeApiProblem } from "./trpc.ts";

const clerk = createTestClerkInstance();

/** The link the app uses, pointed at a real server, so each failure is one the page really gets. */
function client(baseUrl: string, token: string | null) {
  return createTRPCClient<AppRouter>({ links: [createApiLink(async () => token, `${baseUrl}/api/trpc`)] });
}

const failureOf = (promise: Promise<unknown>) =>
  promise.then(() => expect.fail("the call succeeded"), describeApiProblem);

describe("describeApiProblem, on the server's real answers", () => {
  let server: Awaited<ReturnType<typeof startTestServerWithDatabase>>;
  beforeAll(async () => {
    server = await startTestServerWithDatabase({ clerk });
  });
  afterAll(() => server.close());

  it("no session: unauthorized", async () => {
    expect(await failureOf(client(server.url, null).user.me.query())).toEqual({ kind: "unauthorized" });
  });

  it("invalid input: the field messages", async () => {
    const user = clerkUserJson();
    await upsertUsersFromClerk(server.db, [userSyncRowFromClerk(user)]);
    const token = await signSessionToken(clerk, { userId: user.id, azp: TEST_WEB_ORIGIN });
    const problem = await failureOf(
      client(server.url, token).user.updateProfile.mutate({ displayName: "x".repeat(81) }),
    );
    expect(problem).toEqual({
      kind: "invalid-input",
      fieldErrors: { displayName: ["Display name must be at most 80 characters"] },
    });
  });

  it("an invisible character: the field message naming it, for the form to show beside the field", async () => {
    const user = clerkUserJson();
    await upsertUsersFromClerk(server.db, [userSyncRowFromClerk(user)]);
    const token = await signSessionToken(clerk, { userId: user.id, azp: TEST_WEB_ORIGIN });
    const problem = await failureOf(client(server.url, token).user.updateProfile.mutate({ bio: "hi\u202Eevil" }));
    expect(problem).toEqual({
      kind: "invalid-input",
      fieldErrors: { bio: ["Bio contains an invisible or control character (U+202E): remove it"] },
    });
  });

  it("a user deleted in Clerk: user-deleted", async () => {
    const user = clerkUserJson();
    await upsertUsersFromClerk(server.db, [userSyncRowFromClerk(user)]);
    await markUserDeleted(server.db, user.id);
    const token = await signSessionToken(clerk, { userId: user.id, azp: TEST_WEB_ORIGIN });
    expect(await failureOf(client(server.url, token).user.me.query())).toEqual({ kind: "user-deleted" });
  });

  describe("many calls at once", () => {
    afterEach(() => {
      vi.restoreAllMocks();
    });

    it(`are split into batches the server accepts (${TRPC_MAX_BATCH_SIZE} calls each), and every call is answered`, async () => {
      const token = await signSessionToken(clerk, { userId: "user_many", azp: TEST_WEB_ORIGIN });
      const api = client(server.url, token);
      const requests = vi.spyOn(globalThis, "fetch");
      const calls = 2 * TRPC_MAX_BATCH_SIZE + 1;
      const answers = await Promise.all(Array.from({ length: calls }, () => api.auth.whoami.query()));
      expect(answers).toEqual(Array(calls).fill({ userId: "user_many", sessionId: "sess_many", isOperator: false }));
      expect(requests).toHaveBeenCalledTimes(3);
    });
  });

  it("nothing listening: unreachable", async () => {
    expect(await failureOf(client("http://127.0.0.1:9", null).user.me.query())).toEqual({ kind: "unreachable" });
  });
});
