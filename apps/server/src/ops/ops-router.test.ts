import { clerkUserJson, useClerkApiStub } from "@repo/clerk/testing";
import { userSyncRowFromClerk } from "@repo/clerk/users";
import { finishReconciliationRun, startReconciliationRun } from "@repo/db/reconciliation-runs";
import { testDatabaseKinds, useTestDatabase } from "@repo/db/testing";
import { markUserDeleted, upsertUsersFromClerk } from "@repo/db/users";
import { describe, expect, it } from "vitest";
import { createCapturedLogger } from "../testing/captured-logger.ts";
import { createTestClerkInstance, signSessionToken } from "../testing/clerk-session.ts";
import { signClerkWebhook } from "../testing/clerk-webhooks.ts";
import { useInngestEventApiStub } from "../testing/inngest-stubs.ts";
import { TEST_WEB_ORIGIN } from "../testing/test-server.ts";
import { callTrpc } from "../testing/trpc-http.ts";
import { useTestServer } from "../testing/use-test-server.ts";
import type { OpsStatus } from "./ops-status.ts";

const clerk = createTestClerkInstance();
const OPERATOR = "user_2OperatorFixture0000000000";
const MEMBER = "user_2MemberFixture00000000000";

const tokenFor = (userId: string, options: { actingAs?: string } = {}) =>
  signSessionToken(clerk, {
    userId,
    azp: TEST_WEB_ORIGIN,
    ...(options.actingAs ? { actor: { sub: options.actingAs } } : {}),
  });

describe.each(testDatabaseKinds())("the operators' console (ops.*) over HTTP on %s", (kind) => {
  const t = useTestDatabase(kind);
  const clerkApi = useClerkApiStub();
  const inngestApi = useInngestEventApiStub();
  const log = createCapturedLogger();
  const server = useTestServer(() => ({
    db: t.db,
    clerk,
    clerkApiUrl: clerkApi.url,
    inngestBaseUrl: inngestApi.url,
    operatorUserIds: [OPERATOR],
    logger: log.logger,
  }));

  it("refuses members, an impersonated operator and signed-out callers, logging who asked, and sends nothing", async () => {
    const asMember = await tokenFor(MEMBER);
    const member = await callTrpc(server.url, "ops.status", { token: asMember });
    expect(member.status).toBe(403);
    expect(member.error?.data.reason).toBe("operator_required");
    expect(log.entries).toContainEqual(
      expect.objectContaining({ level: 40, userId: MEMBER, msg: expect.stringMatching(/not an operator/) }),
    );
    // Someone acting as the operator (Clerk's impersonation) holds the operator's session, not their powers.
    const impersonated = await tokenFor(OPERATOR, { actingAs: "user_2SupportAgent000000000000" });
    const asImpersonator = await callTrpc(server.url, "ops.status", { token: impersonated });
    expect(asImpersonator.status).toBe(403);
    expect(asImpersonator.error?.data.reason).toBe("operator_required");
    const reconcileAsImpersonator = await callTrpc(server.url, "ops.reconcile", {
      token: impersonated,
      type: "mutation",
      input: { mode: "full" },
    });
    expect(reconcileAsImpersonator.status).toBe(403);
    const reconcileAsMember = await callTrpc(server.url, "ops.reconcile", {
      token: asMember,
      type: "mutation",
      input: { mode: "full", allowMassTombstone: true },
    });
    expect(reconcileAsMember.status).toBe(403);
    expect((await callTrpc(server.url, "ops.status")).status).toBe(401);
    expect(inngestApi.events).toEqual([]);
    // What the web app goes by to offer the console at all.
    const isOperator = async (token: string) =>
      (await callTrpc<{ isOperator: boolean }>(server.url, "auth.whoami", { token })).data?.isOperator;
    expect(await isOperator(asMember)).toBe(false);
    expect(await isOperator(impersonated)).toBe(false);
    expect(await isOperator(await tokenFor(OPERATOR))).toBe(true);
  });

  it("shows an operator the stopped run's reason, the skipped ids, the tables and Clerk's count beside ours", async () => {
    const users = [clerkUserJson(), clerkUserJson(), clerkUserJson()];
    await upsertUsersFromClerk(t.db, users.map(userSyncRowFromClerk));
    await markUserDeleted(t.db, users[2]?.id ?? "");
    // Clerk has the two live users and one more this database has not got.
    for (const user of [...users.slice(0, 2), clerkUserJson()]) clerkApi.users.set(user.id, user);
    const run = await startReconciliationRun(t.db, "cron");
    const stopReason = "would tombstone 40 of 50 live users (80%), over the limit of 10%: none tombstoned";
    await finishReconciliationRun(t.db, run.id, {
      status: "stopped",
      counts: { listed: 10, created: 0, updated: 1, unchanged: 9, tombstoned: 0 },
      error: stopReason,
      skipped: [{ id: "user_2WithANulInHerName00000000", reason: "first_name contains NUL" }],
    });
    await t.db
      .updateTable("reconciliation_runs")
      .set({ live_users: 50, tombstone_candidates: 40 })
      .where("id", "=", run.id)
      .execute();

    const status = await callTrpc<OpsStatus>(server.url, "ops.status", { token: await tokenFor(OPERATOR) });
    expect(status.status).toBe(200);
    expect(status.data?.runs).toEqual([
      expect.objectContaining({
        id: run.id,
        kind: "full",
        status: "stopped",
        trigger: "cron",
        error: stopReason,
        skipped: { count: 1, objects: [{ id: "user_2WithANulInHerName00000000", reason: "first_name contains NUL" }] },
        tombstoneCandidates: 40,
        counts: expect.objectContaining({ users: { listed: 10, created: 0, updated: 1, unchanged: 9, tombstoned: 0 } }),
      }),
    ]);
    expect(status.data?.health).toEqual({ state: "failing", reason: expect.stringContaining(stopReason) });
    expect(status.data?.tables.find((table) => table.table === "users")).toMatchObject({ live: 2, tombstones: 1 });
    expect(status.data?.clerkUsers).toMatchObject({ isAvailable: true, count: 3, liveUsers: 2, difference: 1 });
    expect(status.data?.lastSyncAppliedAt).toBeInstanceOf(Date);

    // Clerk's count is remembered for a minute: a second look does not ask again.
    await callTrpc(server.url, "ops.status", { token: await tokenFor(OPERATOR) });
    expect(clerkApi.requests.filter((request) => request.startsWith("GET /v1/users/count"))).toHaveLength(1);
  });

  it("ops.reconcile sends the reconciliation event and answers with its id; an incremental run refuses the override", async () => {
    const token = await tokenFor(OPERATOR);
    const full = await callTrpc<{ eventId: string }>(server.url, "ops.reconcile", {
      token,
      type: "mutation",
      input: { mode: "full", allowMassTombstone: true },
    });
    expect(full.status).toBe(200);
    expect(inngestApi.events).toEqual([
      expect.objectContaining({
        name: "app/users.reconcile.requested",
        data: { mode: "full", allowMassTombstone: true },
      }),
    ]);
    expect(full.data?.eventId).toEqual(expect.any(String));
    expect(log.entries).toContainEqual(
      expect.objectContaining({
        userId: OPERATOR,
        mode: "full",
        allowMassTombstone: true,
        eventId: full.data?.eventId,
      }),
    );

    const override = await callTrpc(server.url, "ops.reconcile", {
      token,
      type: "mutation",
      input: { mode: "incremental", allowMassTombstone: true },
    });
    expect(override.status).toBe(400);
    expect(override.error?.data.fieldErrors?.allowMassTombstone).toEqual([
      expect.stringContaining("allowMassTombstone needs mode: full"),
    ]);
    expect(inngestApi.events).toHaveLength(1);

    const incremental = await callTrpc(server.url, "ops.reconcile", {
      token,
      type: "mutation",
      input: { mode: "incremental" },
    });
    expect(incremental.status).toBe(200);
    expect(inngestApi.events.at(-1)).toMatchObject({ data: { mode: "incremental", allowMassTombstone: false } });
  });

  it("tells when the last verified webhook arrived, at whichever replica: forged deliveries do not count", async () => {
    const token = await tokenFor(OPERATOR);
    const lastWebhook = async () =>
      (await callTrpc<OpsStatus>(server.url, "ops.status", { token })).data?.lastWebhookReceivedAt;
    const post = (delivery: ReturnType<typeof signClerkWebhook>, signature?: string) =>
      fetch(`${server.url}/api/webhooks/clerk`, {
        method: "POST",
        headers: { ...delivery.headers, ...(signature ? { "svix-signature": signature } : {}) },
        body: delivery.body,
      });
    const before = await lastWebhook();
    const forged = signClerkWebhook({ type: "user.created", data: clerkUserJson() });
    expect((await post(forged, "v1,AAAA")).status).toBe(400);
    expect(await lastWebhook()).toEqual(before);
    const sentAt = new Date();
    expect((await post(signClerkWebhook({ type: "user.created", data: clerkUserJson() }))).status).toBe(200);
    // Recorded beside the delivery, not in its way: it lands a moment later.
    await expect.poll(lastWebhook).toBeInstanceOf(Date);
    const received = await lastWebhook();
    expect(received?.getTime()).toBeGreaterThanOrEqual(sentAt.getTime() - 1000);
    expect(received?.getTime()).not.toBe(before?.getTime());
  });

  it("answers 503 with its reason when Inngest cannot be reached", async () => {
    inngestApi.setMode("fail");
    const failed = await callTrpc(server.url, "ops.reconcile", {
      token: await tokenFor(OPERATOR),
      type: "mutation",
      input: { mode: "full" },
    });
    expect(failed.status).toBe(503);
    expect(failed.error?.data.reason).toBe("inngest_unavailable");
  });
});

describe("the operators' console while Clerk is down", () => {
  const t = useTestDatabase("pglite");
  // No Clerk stand-in: the Backend API's address refuses connections.
  const server = useTestServer(() => ({ db: t.db, clerk, operatorUserIds: [OPERATOR] }));

  it("still answers, saying Clerk's count is unavailable", async () => {
    const status = await callTrpc<OpsStatus>(server.url, "ops.status", { token: await tokenFor(OPERATOR) });
    expect(status.status).toBe(200);
    expect(status.data?.clerkUsers).toMatchObject({
      isAvailable: false,
      reason: expect.stringMatching(/Clerk/),
      liveUsers: 0,
      difference: null,
    });
    expect(status.data?.health).toMatchObject({ state: "in_sync", reason: expect.stringMatching(/unavailable/) });
  });
});
