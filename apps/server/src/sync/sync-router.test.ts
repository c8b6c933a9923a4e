import {
  findLatestReconciliationRun,
  finishReconciliationRun,
  startReconciliationRun,
} from "@repo/db/reconciliation-runs";
import { useTestDatabase } from "@repo/db/testing";
import { INNGEST_APP_ID } from "@repo/inngest/client";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { createTestClerkInstance, signSessionToken } from "../testing/clerk-session.ts";
import { driveInngestRun } from "../testing/inngest-stubs.ts";
import { TEST_INNGEST_SIGNING_KEY, TEST_WEB_ORIGIN } from "../testing/test-server.ts";
import { callTrpc } from "../testing/trpc-http.ts";
import { useTestServer } from "../testing/use-test-server.ts";
import type { ReconciliationSummary } from "./sync-router.ts";

const clerk = createTestClerkInstance();

describe("sync.lastReconciliation", () => {
  const inngestLog: string[] = [];
  const t = useTestDatabase("pglite");
  const server = useTestServer(() => ({
    db: t.db,
    clerk,
    inngestLogger: pino({ level: "info" }, { write: (line: string) => inngestLog.push(line) }),
  }));

  it("is null before any run, then reports the latest run's counts; 401 without a session", async () => {
    const token = await signSessionToken(clerk, { userId: "user_ops", azp: TEST_WEB_ORIGIN });
    expect((await callTrpc(server.url, "sync.lastReconciliation", { token })).data).toBeNull();
    const run = await startReconciliationRun(t.db, "cron");
    await finishReconciliationRun(t.db, run.id, {
      status: "succeeded",
      counts: { listed: 10, created: 2, updated: 1, unchanged: 7, tombstoned: 1 },
      organizationCounts: { listed: 3, created: 1, updated: 0, unchanged: 2, tombstoned: 0 },
      membershipCounts: { listed: 5, created: 0, updated: 1, unchanged: 3, tombstoned: 1 },
    });
    const latest = await callTrpc<ReconciliationSummary>(server.url, "sync.lastReconciliation", { token });
    expect(latest.data).toMatchObject({
      kind: "full",
      status: "succeeded",
      trigger: "cron",
      created: 2,
      tombstoned: 1,
      organizations: { listed: 3, created: 1, updated: 0, unchanged: 2, tombstoned: 0 },
      memberships: { listed: 5, created: 0, updated: 1, unchanged: 3, tombstoned: 1 },
    });
    expect(latest.data?.finishedAt).toBeInstanceOf(Date);
    expect((await callTrpc(server.url, "sync.lastReconciliation")).status).toBe(401);
  });

  it("a run that failed for good: the operator's log and the run's row get the error, users only its status", async () => {
    const token = await signSessionToken(clerk, { userId: "user_curious", azp: TEST_WEB_ORIGIN });
    const inngestRunId = "01JTESTRUN00000000000000000";
    const run = await startReconciliationRun(t.db, "requested", { inngestRunId });
    // A user Clerk listed that could not be stored: its id is for operators too.
    await t.db
      .updateTable("reconciliation_runs")
      .set({ skipped: 1, skipped_users: JSON.stringify([{ id: "user_with_a_bad_name", reason: "NUL in first_name" }]) })
      .where("id", "=", run.id)
      .execute();
    const errorText = "Clerk API 401: secret key sk_live_1234 was rejected for instance ins_2abc";
    // What Inngest does once the run's retries are spent: call the function's failure handler.
    const failure = await driveInngestRun({
      serveUrl: `${server.url}/api/inngest`,
      appId: INNGEST_APP_ID,
      functionId: "reconcile-users-failure",
      event: {
        name: "inngest/function.failed",
        data: {
          function_id: `${INNGEST_APP_ID}-reconcile-users`,
          run_id: inngestRunId,
          error: { name: "Error", message: errorText },
          event: { name: "app/users.reconcile.requested", data: {} },
        },
      },
      signingKey: TEST_INNGEST_SIGNING_KEY,
    });
    expect(failure.status).toBe(200);
    expect(await findLatestReconciliationRun(t.db)).toMatchObject({
      id: run.id,
      status: "failed",
      error: errorText,
    });
    const logged = inngestLog
      .map((line) => JSON.parse(line))
      .find((entry) => entry.msg?.startsWith("reconcile-users failed"));
    expect(logged).toMatchObject({ level: 50, err: { message: errorText } });

    const latest = await callTrpc<ReconciliationSummary>(server.url, "sync.lastReconciliation", { token });
    expect(latest.status).toBe(200);
    expect(latest.data).toMatchObject({ id: run.id, status: "failed", trigger: "requested" });
    expect(Object.keys(latest.data ?? {}).sort()).toEqual(
      [
        "id",
        "kind",
        "status",
        "trigger",
        "startedAt",
        "finishedAt",
        "listed",
        "created",
        "updated",
        "unchanged",
        "tombstoned",
        "skipped",
        "organizations",
        "memberships",
      ].sort(),
    );
    expect(JSON.stringify(latest)).not.toContain("sk_live");
    expect(JSON.stringify(latest)).not.toContain("user_with_a_bad_name");
    expect(JSON.stringify(latest)).not.toContain(inngestRunId);
  });
});
