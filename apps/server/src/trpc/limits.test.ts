import { clerkUserJson, useClerkApiStub } from "@repo/clerk/testing";
import { userSyncRowFromClerk } from "@repo/clerk/users";
import { testDatabaseKinds, useTestDatabase } from "@repo/db/testing";
import { findUserById, upsertUsersFromClerk } from "@repo/db/users";

import superjson from "superjson";
import { describe, expect, it } from "vitest";
import { createTestClerkInstance, signSessionToken } from "../testing/clerk-session.ts";
import { TEST_WEB_ORIGIN } from "../testing/test-server.ts";
import { useTestServer } from "../testing/use-test-server.ts";
import { TRPC_MAX_BATCH_SIZE } from "./limits.ts";

const clerk = createTestClerkInstance();

/** One HTTP request carrying `count` calls of one procedure, as httpBatchLink sends them. */
async function callBatch(
  baseUrl: string,
  options: { path: string; count: number; token: string; type: "query" | "mutation"; input?: unknown },
) {
  const paths = Array.from({ length: options.count }, () => options.path).join(",");
  const url = new URL(`/api/trpc/${paths}?batch=1`, baseUrl);
  const inputs = JSON.stringify(
    Object.fromEntries(Array.from({ length: options.count }, (_, i) => [i, superjson.serialize(options.input)])),
  );
  const headers: Record<string, string> = { Authorization: `Bearer ${options.token}` };
  let init: RequestInit = { method: "GET", headers };
  if (options.type === "mutation") {
    headers["Content-Type"] = "application/json";
    init = { method: "POST", headers, body: inputs };
  } else {
    url.searchParams.set("input", inputs);
  }
  const response = await fetch(url, init);
  return { status: response.status, body: (await response.json()) as unknown };
}

describe.each(testDatabaseKinds())("tRPC batch limit over HTTP on %s", (kind) => {
  const t = useTestDatabase(kind);
  const clerkApi = useClerkApiStub();
  const server = useTestServer(() => ({ db: t.db, clerk, clerkApiUrl: clerkApi.url }));

  /** A user only Clerk knows yet: each user.me call that runs looks it up in Clerk and stores it. */
  async function userOnlyInClerk() {
    const user = clerkUserJson();
    clerkApi.users.set(user.id, user);
    return { user, token: await signSessionToken(clerk, { userId: user.id, azp: TEST_WEB_ORIGIN }) };
  }

  it(`a GET batching ${TRPC_MAX_BATCH_SIZE + 1} queries is refused with 400 and runs none of them`, async () => {
    const { user, token } = await userOnlyInClerk();
    const response = await callBatch(server.url, {
      path: "user.me",
      count: TRPC_MAX_BATCH_SIZE + 1,
      token,
      type: "query",
    });
    expect(response.status).toBe(400);
    expect(JSON.stringify(response.body)).toContain("at most 10 calls a batch");
    expect(JSON.stringify(response.body)).not.toContain("Batch call exceeds");
    expect(clerkApi.requests).toEqual([]);
    expect(await findUserById(t.db, user.id)).toBeUndefined();
  });

  it(`a POST batching ${TRPC_MAX_BATCH_SIZE + 1} mutations is refused with 400 and writes nothing`, async () => {
    const user = clerkUserJson();
    await upsertUsersFromClerk(t.db, [userSyncRowFromClerk(user)]);
    const response = await callBatch(server.url, {
      path: "user.updateProfile",
      count: TRPC_MAX_BATCH_SIZE + 1,
      token: await signSessionToken(clerk, { userId: user.id, azp: TEST_WEB_ORIGIN }),
      type: "mutation",
      input: { displayName: "Batched" },
    });
    expect(response.status).toBe(400);
    expect(await findUserById(t.db, user.id)).toMatchObject({ display_name: null });
  });

  it(`a batch of exactly ${TRPC_MAX_BATCH_SIZE} is answered call by call`, async () => {
    const { user, token } = await userOnlyInClerk();
    const response = await callBatch(server.url, { path: "user.me", count: TRPC_MAX_BATCH_SIZE, token, type: "query" });
    expect(response.status).toBe(200);
    expect(response.body).toEqual(Array(TRPC_MAX_BATCH_SIZE).fill({ result: { data: expect.anything() } }));
    expect(await findUserById(t.db, user.id)).toMatchObject({ id: user.id });
  });
});
