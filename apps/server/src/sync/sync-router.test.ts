import { finishReconciliationRun, type ReconciliationRun, startReconciliationRun } from "@repo/db/users";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestClerkInstance, signSessionToken } from "../testing/clerk-session.ts";
import { startTestServerWithDatabase, TEST_WEB_ORIGIN } from "../testing/test-server.ts";
import { callTrpc } from "../testing/trpc-http.ts";

const clerk = createTestClerkInstance();

describe("sync.lastReconciliation", () => {
  let server: Awaited<ReturnType<typeof startTestServerWithDatabase>>;
  beforeAll(async () => {
    server = await startTestServerWithDatabase({ clerk });
  });
  afterAll(() => server.close());

  it("is null before any run, then reports the latest run's counts; 401 without a session", async () => {
    const token = await signSessionToken(clerk, { userId: "user_ops", azp: TEST_WEB_ORIGIN });
    expect((await callTrpc(server.url, "sync.lastReconciliation", { token })).data).toBeNull();
    const run = await startReconciliationRun(server.db, "cron");
    await finishReconciliationRun(server.db, run.id, {
      status: "succeeded",
      counts: { listed: 10, created: 2, updated: 1, unchanged: 7, tombstoned: 1 },
    });
    const latest = await callTrpc<ReconciliationRun>(server.url, "sync.lastReconciliation", { token });
    expect(latest.data).toMatchObject({ status: "succeeded", trigger: "cron", created: 2, tombstoned: 1 });
    expect(latest.data?.finished_at).toBeInstanceOf(Date);
    expect((await callTrpc(server.url, "sync.lastReconciliation")).status).toBe(401);
  });
});
