// @vitest-environment node

import { clerkUserJson } from "@repo/clerk/testing";
import { userSyncRowFromClerk } from "@repo/clerk/users";
import { standInForClerkFrontend } from "@repo/clerk-local/playwright";
import { finishReconciliationRun, startReconciliationRun } from "@repo/db/reconciliation-runs";
import { openTestDatabase, type TestDatabase, testDatabaseKinds } from "@repo/db/testing";
import { upsertUsersFromClerk } from "@repo/db/users";
import { INNGEST_APP_ID } from "@repo/inngest/client";
import {
  type ClerkApiStub,
  createTestClerkInstance,
  driveInngestRun,
  findFreePort,
  signSessionToken,
  startClerkApiStub,
  startInngestEventApiStub,
  startTestServer,
  TEST_INNGEST_SIGNING_KEY,
  type TestServer,
} from "@repo/server/testing";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { hasChromium, launchChromium, screenshot } from "./browser.ts";

const clerk = createTestClerkInstance();
if (process.env.CI && !hasChromium) throw new Error("CI must run the browser tests: install Debian's chromium");

describe.runIf(hasChromium)(
  "the operators' console in Chromium, against the production build and the real server",
  () => {
    const operator = clerkUserJson({ first_name: "Olga", last_name: "Operator" });
    const member = clerkUserJson({ first_name: "Max", last_name: "Member" });
    let t: TestDatabase;
    let server: TestServer;
    let clerkApi: ClerkApiStub;
    let inngestApi: Awaited<ReturnType<typeof startInngestEventApiStub>>;
    let browser: Browser;
    let origin: string;
    const pageErrors: string[] = [];
    const stopReason =
      "would tombstone 2 of 4 live users (50%), more than the limit (10% and more than 1): none tombstoned; if Clerk really deleted them, run again with allowMassTombstone";

    beforeAll(async () => {
      t = await openTestDatabase(testDatabaseKinds().at(-1) ?? "pglite");
      const port = await findFreePort();
      origin = `http://127.0.0.1:${port}`;
      const webDistDir = inject("webDistDir");
      const [clerkStub, inngestStub] = await Promise.all([startClerkApiStub(), startInngestEventApiStub()]);
      clerkApi = clerkStub;
      inngestApi = inngestStub;
      // Clerk has the operator and the member; this database also has two users Clerk deleted while the
      // webhook endpoint was down, which the last full run stopped short of tombstoning.
      const deletedInClerk = [clerkUserJson(), clerkUserJson()];
      for (const user of [operator, member]) clerkApi.users.set(user.id, user);
      await upsertUsersFromClerk(t.db, [operator, member, ...deletedInClerk].map(userSyncRowFromClerk));
      const stopped = await startReconciliationRun(t.db, "cron");
      await finishReconciliationRun(t.db, stopped.id, {
        status: "stopped",
        counts: { listed: 2, created: 0, updated: 0, unchanged: 2, tombstoned: 0 },
        error: stopReason,
        skipped: [{ id: "user_2UnstorableFixture000000000", reason: "email_addresses: primary address missing" }],
      });
      await t.db
        .updateTable("reconciliation_runs")
        .set({ live_users: 4, tombstone_candidates: 2 })
        .where("id", "=", stopped.id)
        .execute();
      server = await startTestServer({
        db: t.db,
        clerk,
        clerkApiUrl: clerkApi.url,
        inngestBaseUrl: inngestApi.url,
        webOrigins: [origin],
        webDistDir,
        port,
        operatorUserIds: [operator.id],
      });
      browser = await launchChromium();
    });

    afterAll(async () => {
      await browser?.close();
      await Promise.all([server?.close(), clerkApi?.close(), inngestApi?.close()]);
      await t?.close();
    });

    /** A browser of its own for one person, signed in through the Clerk stand-in, on `path`. */
    async function signedInPage(userId: string, path: string): Promise<{ context: BrowserContext; page: Page }> {
      const clerkFrontend = standInForClerkFrontend({
        clerk,
        origin,
        userIds: [userId],
        mintToken: (request) => signSessionToken(clerk, { userId: request.userId, azp: origin }),
      });
      const context = await browser.newContext({ baseURL: server.url, viewport: { width: 1100, height: 900 } });
      await context.route("**/*", async (route) => {
        const { hostname } = new URL(route.request().url());
        if (hostname === "127.0.0.1") return route.continue();
        if (await clerkFrontend.answer(route)) return;
        return route.abort("blockedbyclient");
      });
      const page = await context.newPage();
      page.on("pageerror", (error) => pageErrors.push(error.message));
      await page.goto("/");
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByRole("button", { name: `Continue as ${userId}` }).click();
      await page.getByTestId("email").waitFor();
      if (path !== "/") await page.goto(path);
      return { context, page };
    }

    it("a member who opens /ops gets the not-found page, and no link to it", async () => {
      const { context, page } = await signedInPage(member.id, "/ops");
      try {
        await page.getByRole("heading", { name: "Page not found" }).waitFor();
        expect(await page.getByRole("link", { name: "Operations" }).count()).toBe(0);
        expect(await page.getByText(stopReason).count()).toBe(0);
      } finally {
        await context.close();
      }
    });

    it("an operator sees the health, the tables, the stopped run's reason and skipped ids, then allows the mass tombstone and sees the run finish", async () => {
      const { context, page } = await signedInPage(operator.id, "/");
      try {
        await page.getByRole("navigation", { name: "Pages" }).getByRole("link", { name: "Operations" }).click();
        const health = page.getByRole("region", { name: "Sync health" });
        await health.getByRole("heading", { name: "Failing" }).waitFor();
        expect(await page.getByTestId("health-reason").textContent()).toContain(stopReason);
        expect(await page.getByTestId("clerk-user-count").textContent()).toBe(
          "Clerk counts 2 users; 4 are live here (difference -2).",
        );
        const runs = page.getByRole("list", { name: "Reconciliation runs" });
        await runs.getByText("Why it stopped").click();
        await runs.getByText(stopReason).waitFor();
        await runs.getByText("1 skipped").click();
        await runs.getByText("user_2UnstorableFixture000000000").waitFor();
        // docs/ops-console-stopped-run.png is a copy of this one.
        await screenshot(page, "ops-01-stopped-run");

        // The override waits behind a confirmation naming how many users it would tombstone.
        await page.getByRole("button", { name: "Allow the mass tombstone…" }).click();
        const confirmation = page.getByRole("alertdialog", { name: "Tombstone up to 2 users?" });
        await confirmation.waitFor();
        expect(inngestApi.events).toEqual([]);
        await confirmation.getByRole("button", { name: "Tombstone up to 2 users" }).click();
        await expect.poll(() => inngestApi.events.length).toBe(1);
        const [requested] = inngestApi.events;
        expect(requested).toMatchObject({
          name: "app/users.reconcile.requested",
          data: { mode: "full", allowMassTombstone: true },
        });
        await page
          .getByRole("status")
          .getByText(/^Asked for a full run allowed to tombstone past the limit/)
          .waitFor();

        // Inngest runs it: here, the test plays Inngest's executor against /api/inngest.
        if (!requested) throw new Error("no event was sent");
        const run = await driveInngestRun({
          serveUrl: `${server.url}/api/inngest`,
          appId: INNGEST_APP_ID,
          functionId: "reconcile-users",
          event: requested,
          signingKey: TEST_INNGEST_SIGNING_KEY,
          maxCalls: 50,
        });
        expect(run.status).toBe(200);

        // The page asks again by itself until the run it asked for has finished.
        await health.getByRole("heading", { name: "In sync" }).waitFor({ timeout: 15_000 });
        const newest = runs.getByRole("listitem").first();
        expect(await newest.textContent()).toMatch(/#2 full\s*succeeded/);
        expect(await newest.textContent()).toContain("2 tombstoned");
        expect(await page.getByTestId("clerk-user-count").textContent()).toMatch(/2 are live here/);
        await screenshot(page, "ops-02-run-finished");
      } finally {
        await context.close();
      }
    });

    it("threw no uncaught exception in the pages along the way", () => {
      expect(pageErrors).toEqual([]);
    });
  },
);
