import { createClerkClient } from "@clerk/backend";
import { clerkUserJson, openTestDatabase, type TestDatabase, testDatabaseKinds } from "@repo/db/testing";
import {
  failRunningReconciliation,
  findLatestReconciliationRun,
  findUserById,
  upsertUsersFromClerk,
  userSyncRowFromClerk,
} from "@repo/db/users";
import { RetryAfterError } from "inngest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createInngestClient } from "../client.ts";
import { ClerkRateLimitedError } from "../reconcile/clerk-user-list.ts";
import { type ClerkApiStub, startClerkApiStub } from "../testing/clerk-api-stub.ts";
import { runFunction, silentLogger } from "../testing/run-function.ts";
import { createReconcileUsersFunction, retryAfterRateLimit } from "./reconcile-users.ts";

describe.each(testDatabaseKinds())("reconcile-users Inngest function on %s", (kind) => {
  let t: TestDatabase;
  let stub: ClerkApiStub;
  let fn: ReturnType<typeof createReconcileUsersFunction>;

  beforeAll(async () => {
    t = await openTestDatabase(kind);
    stub = await startClerkApiStub();
    const clerk = createClerkClient({ secretKey: "sk_test_offline", apiUrl: stub.url });
    fn = createReconcileUsersFunction(createInngestClient({ isDev: true, logger: silentLogger() }), {
      db: t.db,
      clerk,
    });
  });
  afterAll(async () => {
    await stub.close();
    await t.close();
  });

  it("pages through Clerk one step a page, tombstones the missing, and records the run", async () => {
    for (let i = 0; i < 1001; i++) {
      const user = clerkUserJson();
      stub.users.set(user.id, user);
    }
    const gone = clerkUserJson();
    await upsertUsersFromClerk(t.db, [userSyncRowFromClerk(gone)]);

    const { result, error } = await runFunction(fn, {
      name: "app/users.reconcile.requested",
      data: { reason: "test" },
    });
    expect(error).toBeUndefined();
    expect(result).toEqual({ listed: 1001, created: 1001, updated: 0, unchanged: 0, tombstoned: 1 });
    expect((await findUserById(t.db, gone.id))?.deleted_at).toBeInstanceOf(Date);
    expect(await findLatestReconciliationRun(t.db)).toMatchObject({
      status: "succeeded",
      trigger: "requested",
      tombstoned: 1,
    });
  });

  it("turns a 429 into Inngest's RetryAfterError with the wait Clerk asked for", async () => {
    stub.failNext(5, 429, { retryAfterSeconds: 7 });
    const { error } = await runFunction(fn, { name: "app/users.reconcile.requested", data: {} });
    stub.failNext(0, 500);
    expect(error?.name).toBe("RetryAfterError");
    expect(error?.message).toMatch(/retry after 7s/);
    await failRunningReconciliation(t.db, "test over");
    const direct = retryAfterRateLimit(() => Promise.reject(new ClerkRateLimitedError(7)));
    await expect(direct).rejects.toBeInstanceOf(RetryAfterError);
    // The SDK keeps the wait in whole seconds, as it sends it to Inngest (Retry-After).
    await expect(direct).rejects.toMatchObject({ retryAfter: "7" });
  });
});
