// @vitest-environment node
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { clerkUserJson } from "@repo/clerk/testing";
import { type ClerkFrontendStandIn, standInForClerkFrontend } from "@repo/clerk-local/playwright";
import { wantsProductEmails } from "@repo/db/emails";
import { openTestDatabase, type TestDatabase, testDatabaseKinds } from "@repo/db/testing";
import { findUserById } from "@repo/db/users";
import { INNGEST_APP_ID } from "@repo/inngest/client";
import {
  type ClerkApiStub,
  createTestClerkInstance,
  driveInngestRun,
  findFreePort,
  signClerkWebhook,
  signSessionToken,
  startClerkApiStub,
  startInngestEventApiStub,
  startTestServer,
  TEST_INNGEST_SIGNING_KEY,
  type TestServer,
} from "@repo/server/testing";
import type { Browser, BrowserContext, Page, Route } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { hasChromium, launchChromium, screenshot } from "./browser.ts";
import { LEAK_CANARY } from "./shared-build.ts";

const clerk = createTestClerkInstance();
if (process.env.CI && !hasChromium) throw new Error("CI must run the browser tests: install Debian's chromium");

describe.runIf(hasChromium)("the web app in Chromium, against the production build and the real server", () => {
  const user = clerkUserJson({ first_name: "Ada", last_name: "Lovelace" });
  const secondUser = clerkUserJson({ first_name: "Grace", last_name: "Hopper" });
  let t: TestDatabase;
  let server: TestServer;
  let clerkApi: ClerkApiStub;
  let inngestApi: Awaited<ReturnType<typeof startInngestEventApiStub>>;
  let browser: Browser;
  let webDistDir: string;
  let context: BrowserContext;
  let page: Page;
  /** What the stand-in's token endpoint hands out: valid tokens, or ones that expired a minute ago. */
  let tokenMode: "valid" | "expired" = "valid";
  /** Set while someone acts as the signed-in user (Clerk's impersonation): the tokens carry an `act` claim. */
  let tokenActor: string | undefined;
  /** Uncaught exceptions in the page: a state the app failed to handle. */
  const pageErrors: string[] = [];

  beforeAll(async () => {
    // Postgres when CI provides it, so the flow ends in the production database engine.
    t = await openTestDatabase(testDatabaseKinds().at(-1) ?? "pglite");
    const port = await findFreePort();
    const origin = `http://127.0.0.1:${port}`;
    // The shared build (e2e/shared-build.ts) was made with a server secret in the environment, as on a
    // developer's machine, and without any VITE_ variable: the server gives the page its publishable key
    // when it serves it, so one build runs anywhere.
    webDistDir = inject("webDistDir");
    [clerkApi, inngestApi] = await Promise.all([startClerkApiStub(), startInngestEventApiStub()]);
    server = await startTestServer({
      db: t.db,
      clerk,
      clerkApiUrl: clerkApi.url,
      inngestBaseUrl: inngestApi.url,
      webOrigins: [origin],
      webDistDir,
      port,
    });
    browser = await launchChromium();
    context = await browser.newContext({ baseURL: server.url });
    const clerkFrontend = standInForClerkFrontend({
      clerk,
      origin,
      userIds: [user.id, secondUser.id],
      mintToken: ({ userId }) =>
        signSessionToken(clerk, {
          userId,
          azp: origin,
          expiresInSeconds: tokenMode === "valid" ? 60 : -60,
          ...(tokenActor ? { actor: { sub: tokenActor } } : {}),
        }),
    });
    await context.route("**/*", (route) => answerOutsideRequests(route, clerkFrontend));
    page = await context.newPage();
    page.on("pageerror", (error) => pageErrors.push(error.message));
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all([server?.close(), clerkApi?.close(), inngestApi?.close()]);
    await t?.close();
  });

  /** Clerk's hosted pieces are stood in for; any other request off this machine is refused. */
  async function answerOutsideRequests(route: Route, clerkFrontend: ClerkFrontendStandIn) {
    if (new URL(route.request().url()).hostname === "127.0.0.1") return route.continue();
    if (await clerkFrontend.answer(route)) return;
    return route.abort("blockedbyclient");
  }

  /** Clerk fires a signed webhook; the server forwards it; Inngest (played by the test) runs the function. */
  async function deliverThroughPipeline(type: string, data: Record<string, unknown>, functionId: string) {
    const delivery = signClerkWebhook({ type, data });
    const response = await fetch(`${server.url}/api/webhooks/clerk`, {
      method: "POST",
      headers: delivery.headers,
      body: delivery.body,
    });
    expect(response.status).toBe(200);
    const event = inngestApi.events.find((e) => e.id === delivery.svixId);
    if (!event) throw new Error(`${type} did not reach Inngest`);
    const run = await driveInngestRun({
      serveUrl: `${server.url}/api/inngest`,
      appId: INNGEST_APP_ID,
      functionId,
      event,
      signingKey: TEST_INNGEST_SIGNING_KEY,
    });
    expect(run.status).toBe(200);
  }

  it("builds a bundle without any server secret, and serves it with the server's publishable key", async () => {
    const files = readdirSync(webDistDir, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
    const bundle = files.map((entry) => readFileSync(join(entry.parentPath, entry.name), "utf8")).join("\n");
    expect(bundle).not.toContain(clerk.publishableKey);
    expect(bundle).not.toContain(LEAK_CANARY);
    expect(bundle).not.toContain("BEGIN PUBLIC KEY");
    const served = await (await fetch(`${server.url}/some/client/route`)).text();
    expect(served).toContain(`<meta name="clerk-publishable-key" content="${clerk.publishableKey}" />`);
    expect(served).not.toContain(clerk.secretKey);
  });

  it("shows signed-out visitors what the app does, and a way to sign in", async () => {
    await page.goto("/");
    await expect.poll(() => page.getByRole("heading", { name: "Your account, in your own database" }).count()).toBe(1);
    await screenshot(page, "01-signed-out-landing");
  });

  it("signs in, and shows the profile that came through webhook -> Inngest -> Postgres", async () => {
    await page.getByRole("button", { name: "Sign in" }).click();
    const dialog = page.getByRole("dialog", { name: "Sign in (Clerk stand-in)" });
    await dialog.waitFor();
    // Clerk creates the user and fires user.created while the person finishes signing in.
    await deliverThroughPipeline("user.created", user, "upsert-clerk-user");
    await dialog.getByRole("button", { name: `Continue as ${user.id}` }).click();

    await page.getByTestId("email").waitFor();
    expect(await page.getByTestId("email").textContent()).toBe(user.email_addresses[1]?.email_address);
    expect(await page.getByTestId("clerk-name").textContent()).toBe("Ada Lovelace");
    expect(clerkApi.requests).toEqual([]); // the row came from the pipeline, not a Backend API lookup
    await screenshot(page, "02-profile");
  });

  it("saves the display name, which survives a reload and is in the database", async () => {
    await page.getByLabel("Display name").fill("Countess of Lovelace");
    await page.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => page.getByRole("status").textContent()).toMatch(/^Saved at /);
    await screenshot(page, "03-saved");

    await page.reload();
    await page.getByRole("heading", { name: "Countess of Lovelace" }).waitFor();
    expect(await page.getByLabel("Display name").inputValue()).toBe("Countess of Lovelace");
    expect((await findUserById(t.db, user.id))?.display_name).toBe("Countess of Lovelace");
  });

  it("turns product emails off and back on with the switch, the preference the unsubscribe link sets", async () => {
    const productEmails = page.getByRole("switch", { name: "Product emails" });
    await expect.poll(() => productEmails.isEnabled()).toBe(true);
    expect(await productEmails.isChecked()).toBe(true);
    await productEmails.click();
    await expect.poll(() => wantsProductEmails(t.db, user.id)).toBe(false);
    await page.reload();
    await expect.poll(() => productEmails.isEnabled()).toBe(true);
    expect(await productEmails.isChecked()).toBe(false);
    await screenshot(page, "13-product-emails-off");
    await productEmails.click();
    await expect.poll(() => wantsProductEmails(t.db, user.id)).toBe(true);
    await expect.poll(() => productEmails.isChecked()).toBe(true);
  });

  it("shows the server's message next to an invalid field", async () => {
    await page.getByLabel("Display name").fill("x".repeat(81));
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByText("Display name must be at most 80 characters").waitFor();
    expect(await page.getByLabel("Display name").getAttribute("aria-invalid")).toBe("true");
    expect((await findUserById(t.db, user.id))?.display_name).toBe("Countess of Lovelace");
    await screenshot(page, "04-invalid-input");
  });

  it("shows a name changed in Clerk after a refresh, keeping the app's own fields", async () => {
    await deliverThroughPipeline(
      "user.updated",
      { ...user, first_name: "Augusta", updated_at: user.updated_at + 60_000 },
      "upsert-clerk-user",
    );
    await page.reload();
    await expect.poll(() => page.getByTestId("clerk-name").textContent()).toBe("Augusta Lovelace");
    await page.getByRole("heading", { name: "Countess of Lovelace" }).waitFor();
  });

  it("reads well on a phone-width screen", async () => {
    await page.setViewportSize({ width: 375, height: 740 });
    await page.reload();
    await page.getByTestId("email").waitFor();
    const overflows = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    expect(overflows).toBe(false);
    await screenshot(page, "05-phone-width");
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it("asks to sign in again when the session has expired", async () => {
    tokenMode = "expired";
    await page.reload();
    await page.getByRole("heading", { name: "Your session has expired" }).waitFor();
    await screenshot(page, "06-session-expired");
    tokenMode = "valid";
    await page.getByRole("button", { name: "Sign in again" }).click();
    await page.getByRole("button", { name: `Continue as ${user.id}` }).click();
    await page.getByRole("heading", { name: "Countess of Lovelace" }).waitFor();
  });

  it("says so when the server cannot be reached, and recovers on retry", async () => {
    await page.route("**/api/trpc/**", (route) => route.abort("connectionrefused"));
    await page.reload();
    await page.getByRole("heading", { name: "Can't reach the server" }).waitFor({ timeout: 15_000 });
    await screenshot(page, "07-server-unreachable");
    await page.unroute("**/api/trpc/**");
    await page.getByRole("button", { name: "Try again" }).click();
    await page.getByTestId("email").waitFor();
  });

  it("says so when the signed-in pages cannot be downloaded, and loads them on reload", async () => {
    await page.route("**/assets/SignedInApp-*.js", (route) => route.abort("connectionrefused"));
    await page.reload();
    await page.getByRole("heading", { name: "This page could not load" }).waitFor();
    await screenshot(page, "11-signed-in-pages-unavailable");
    await page.unroute("**/assets/SignedInApp-*.js");
    await page.getByRole("button", { name: "Reload" }).click();
    await page.getByTestId("email").waitFor();
  });

  it("shows an acting-as banner while someone impersonates the user, and none once they stop", async () => {
    const banner = page.getByRole("region", { name: "Impersonation" });
    expect(await banner.count()).toBe(0);
    tokenActor = "user_support";
    await page.reload();
    await banner.waitFor();
    expect(await banner.getByRole("heading").textContent()).toBe("Acting as Countess of Lovelace");
    expect(await banner.textContent()).toContain("user_support");
    await screenshot(page, "12-acting-as");
    tokenActor = undefined;
    await page.reload();
    await page.getByTestId("email").waitFor();
    expect(await banner.count()).toBe(0);
  });

  it("never shows the previous user's profile to the next person who signs in on the tab", async () => {
    await page.getByRole("button", { name: "Sign out" }).first().click();
    await page.getByRole("heading", { name: "Your account, in your own database" }).waitFor();
    await deliverThroughPipeline("user.created", secondUser, "upsert-clerk-user");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("button", { name: `Continue as ${secondUser.id}` }).click();
    // The first email the page shows must already be the second user's.
    await page.getByTestId("email").waitFor();
    expect(await page.getByTestId("email").textContent()).toBe(secondUser.email_addresses[1]?.email_address);
    expect(await page.getByTestId("clerk-name").textContent()).toBe("Grace Hopper");

    await page.getByRole("button", { name: "Sign out" }).first().click();
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("button", { name: `Continue as ${user.id}` }).click();
    await page.getByRole("heading", { name: "Countess of Lovelace" }).waitFor();
  });

  it("explains a user deleted in Clerk, whose data is erased", async () => {
    await deliverThroughPipeline(
      "user.deleted",
      { id: user.id, object: "user", deleted: true },
      "tombstone-clerk-user",
    );
    await page.reload();
    await page.getByRole("heading", { name: "This account was deleted" }).waitFor();
    expect((await findUserById(t.db, user.id))?.display_name).toBeNull();
    await screenshot(page, "08-user-deleted");
  });

  it("shows the setup screen, not a blank page, when neither the build nor the server has a publishable key", async () => {
    const unconfigured = await startTestServer({ db: t.db, clerk, webDistDir, withoutClerkKeys: true });
    try {
      const setupPage = await context.newPage();
      await setupPage.goto(unconfigured.url);
      await setupPage.getByRole("heading", { name: "One step left: connect Clerk" }).waitFor();
      expect(await setupPage.getByText("VITE_CLERK_PUBLISHABLE_KEY").count()).toBe(1);
      await screenshot(setupPage, "09-setup-screen");
      await setupPage.close();
    } finally {
      await unconfigured.close();
    }
  });

  it("says so when Clerk's scripts cannot load, instead of leaving the page empty", async () => {
    const blocked = await browser.newContext({ baseURL: server.url });
    try {
      await blocked.route("**/*", (route) =>
        new URL(route.request().url()).hostname === "127.0.0.1" ? route.continue() : route.abort("connectionrefused"),
      );
      const blockedPage = await blocked.newPage();
      await blockedPage.goto("/");
      expect(await blockedPage.getByText("Loading…").count()).toBe(1);
      // Clerk's loader gives up after its own 15 s timeout.
      await blockedPage.getByRole("heading", { name: "Sign-in could not load" }).waitFor({ timeout: 25_000 });
      await screenshot(blockedPage, "10-clerk-unavailable");
    } finally {
      await blocked.close();
    }
  }, 40_000);

  it("threw no uncaught exception in the page along the way", () => {
    expect(pageErrors).toEqual([]);
  });
});
