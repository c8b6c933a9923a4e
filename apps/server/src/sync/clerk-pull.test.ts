import { clerkUserJson, useClerkApiStub } from "@repo/clerk/testing";
import { findLatestReconciliationRun } from "@repo/db/reconciliation-runs";
import { openTestDatabase, type TestDatabase, testDatabaseKinds } from "@repo/db/testing";
import { findUserById } from "@repo/db/users";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startServerProcess } from "../testing/server-process.ts";

// The server as `pnpm dev` runs it, in its own process, against the Clerk stub: Clerk cannot reach
// localhost, so the server pulls. Postgres only: the test reads the tables while the server runs, and
// PGlite allows one process at a time.
describe.runIf(testDatabaseKinds().includes("postgres"))("the development server's pull from Clerk on postgres", () => {
  const stub = useClerkApiStub();
  let t: TestDatabase;

  beforeAll(async () => {
    t = await openTestDatabase("postgres");
  });
  afterAll(async () => {
    await t.close();
  });

  it("picks up a user changed in Clerk within the interval, and a deletion at the next full run", async () => {
    const [changed, deleted] = [clerkUserJson(), clerkUserJson()];
    for (const user of [changed, deleted]) stub.users.set(user.id, user);
    const server = startServerProcess({
      DATABASE_URL: t.databaseUrl ?? "",
      CLERK_SECRET_KEY: "sk_test_localDevelopment",
      CLERK_API_URL: stub.url,
      RECONCILE_PULL_INCREMENTAL_MS: "1000",
      RECONCILE_PULL_FULL_MS: "4000",
    });
    try {
      await server.listening;
      // The first pull is a full one: it brings every user.
      await vi.waitFor(async () => expect(await findUserById(t.db, deleted.id)).toBeDefined(), { timeout: 10_000 });

      stub.users.set(changed.id, { ...changed, first_name: "Grace", updated_at: Date.now() });
      const changedAt = Date.now();
      await vi.waitFor(async () => expect((await findUserById(t.db, changed.id))?.first_name).toBe("Grace"), {
        timeout: 5_000,
        interval: 100,
      });
      // Within the incremental interval (1 s), give or take a run and a loaded machine.
      expect(Date.now() - changedAt).toBeLessThan(4_000);

      stub.users.delete(deleted.id);
      await vi.waitFor(async () => expect((await findUserById(t.db, deleted.id))?.deleted_at).toBeInstanceOf(Date), {
        timeout: 15_000,
        interval: 200,
      });
      expect(await findLatestReconciliationRun(t.db)).toMatchObject({ trigger: "pull" });
    } finally {
      server.child.kill("SIGTERM");
    }
    expect(await server.exited).toBe(0);
    expect(server.output()).toContain("pulling users, organizations and memberships from Clerk");
  });
});
