import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { clerkUserJson } from "@repo/clerk/testing";
import { finishReconciliationRun, startReconciliationRun } from "@repo/db/reconciliation-runs";
import { testDatabaseKinds, useTestDatabase } from "@repo/db/testing";
import { INNGEST_APP_ID } from "@repo/inngest/client";
import { describe, expect, it } from "vitest";
import { createTestClerkInstance } from "../testing/clerk-session.ts";
import { signClerkWebhook } from "../testing/clerk-webhooks.ts";
import { driveInngestRun, useInngestEventApiStub } from "../testing/inngest-stubs.ts";
import { TEST_INNGEST_SIGNING_KEY } from "../testing/test-server.ts";
import { useTestServer } from "../testing/use-test-server.ts";

const clerk = createTestClerkInstance();
const METRICS_TOKEN = "metrics-token-for-the-test-server-0123456789";

const scrape = (url: string, token?: string) =>
  fetch(`${url}/metrics`, token === undefined ? {} : { headers: { Authorization: `Bearer ${token}` } });

/** The value of one sample line of Prometheus' text format (0 when the series is absent). */
function sample(text: string, series: string): number {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

describe("/metrics without METRICS_TOKEN", () => {
  const t = useTestDatabase("pglite");
  // With the web app served, as in production: its catch-all must not answer /metrics either.
  const server = useTestServer(() => {
    const webDistDir = mkdtempSync(join(tmpdir(), "web-dist-"));
    writeFileSync(join(webDistDir, "index.html"), "<!doctype html><title>app</title>");
    return { db: t.db, clerk, webDistDir };
  });

  it("is off: 404 with or without a bearer token, never open", async () => {
    // The web app answers every other page address (the check that it is served at all).
    expect((await fetch(`${server.url}/some/page`)).status).toBe(200);
    expect((await scrape(server.url)).status).toBe(404);
    expect((await scrape(server.url, "")).status).toBe(404);
    expect((await scrape(server.url, METRICS_TOKEN)).status).toBe(404);
  });
});

describe.each(testDatabaseKinds())("/metrics with METRICS_TOKEN on %s", (kind) => {
  const t = useTestDatabase(kind);
  const inngestApi = useInngestEventApiStub();
  const server = useTestServer(() => ({
    db: t.db,
    clerk,
    inngestBaseUrl: inngestApi.url,
    metricsToken: METRICS_TOKEN,
  }));

  it("refuses a scrape without the token, or with another, and tells nothing", async () => {
    for (const response of [
      await scrape(server.url),
      await scrape(server.url, "not-the-token"),
      await scrape(server.url, `${METRICS_TOKEN}x`),
    ]) {
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toMatch(/^Bearer/);
      expect(await response.text()).not.toContain("app_");
    }
  });

  it("answers in Prometheus' text format: Node's metrics, webhooks by status, sync events, rows and runs", async () => {
    const before = await (await scrape(server.url, METRICS_TOKEN)).text();
    const createdSeries = 'app_sync_events_total{kind="user",result="applied",outcome="created"}';
    const skippedSeries = 'app_sync_events_total{kind="user",result="skipped",outcome="unchanged"}';

    // A delivery Clerk signed (forwarded: 200) and one nobody did (400).
    const user = clerkUserJson();
    const delivery = signClerkWebhook({ type: "user.created", data: user });
    const post = (headers: Record<string, string>, body: string) =>
      fetch(`${server.url}/api/webhooks/clerk`, { method: "POST", headers, body });
    expect((await post(delivery.headers, delivery.body)).status).toBe(200);
    expect((await post({ ...delivery.headers, "svix-signature": "v1,AAAA" }, delivery.body)).status).toBe(400);
    // Inngest runs the forwarded event twice (a retry): written once, skipped once.
    const [forwarded] = inngestApi.events;
    if (!forwarded) throw new Error("the webhook forwarded nothing");
    for (let i = 0; i < 2; i++) {
      const run = await driveInngestRun({
        serveUrl: `${server.url}/api/inngest`,
        appId: INNGEST_APP_ID,
        functionId: "upsert-clerk-user",
        event: forwarded,
        signingKey: TEST_INNGEST_SIGNING_KEY,
      });
      expect(run.status).toBe(200);
    }
    const run = await startReconciliationRun(t.db, "cron");
    await finishReconciliationRun(t.db, run.id, {
      status: "stopped",
      counts: { listed: 1, created: 0, updated: 0, unchanged: 1, tombstoned: 0 },
    });

    const response = await scrape(server.url, METRICS_TOKEN);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(response.headers.get("cache-control")).toContain("no-store");
    const text = await response.text();
    expect(text).toContain("# TYPE process_cpu_user_seconds_total counter");
    expect(text).toContain("nodejs_eventloop_lag_seconds");
    expect(sample(text, 'app_clerk_webhook_requests_total{status="200"}')).toBe(
      sample(before, 'app_clerk_webhook_requests_total{status="200"}') + 1,
    );
    expect(sample(text, 'app_clerk_webhook_requests_total{status="400"}')).toBe(
      sample(before, 'app_clerk_webhook_requests_total{status="400"}') + 1,
    );
    expect(sample(text, createdSeries)).toBe(sample(before, createdSeries) + 1);
    expect(sample(text, skippedSeries)).toBe(sample(before, skippedSeries) + 1);
    expect(sample(text, 'app_synced_rows{table="users",state="live"}')).toBe(1);
    expect(sample(text, 'app_synced_rows{table="organizations",state="live"}')).toBe(0);
    expect(text).toContain('app_synced_rows{table="organization_memberships",state="tombstone"} 0');
    expect(sample(text, 'app_reconciliation_runs{kind="full",status="stopped"}')).toBe(1);
    expect(text).toMatch(/^app_reconciliation_last_duration_seconds\{kind="full",status="stopped"\} [\d.e-]+$/m);
    expect(sample(text, "app_database_metrics_up")).toBe(1);
  });
});
