// @vitest-environment node
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { openTestDatabase, type TestDatabase, testDatabaseKinds } from "@repo/db/testing";
import { findUserById } from "@repo/db/users";
import {
  type ClerkLocalModeServer,
  findFreePort,
  startClerkLocalModeServer,
  startInngestEventApiStub,
} from "@repo/server/testing";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { createServer, type ViteDevServer } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasChromium, launchChromium, screenshot, screenshotDir } from "./browser.ts";
import { buildWebApp } from "./build-web.ts";

if (process.env.CI && !hasChromium) throw new Error("CI must run the browser tests: install Debian's chromium");

const webRoot = fileURLToPath(new URL("..", import.meta.url));
/**
 * The docs' screenshots of local sign-in (docs/local-*.png), rewritten only when asked for
 * (SCREENSHOTS_TO_DOCS=1), so a test run leaves tracked files alone.
 */
const docsDir = fileURLToPath(new URL("../../../docs/", import.meta.url));
const writesDocs = process.env.SCREENSHOTS_TO_DOCS === "1";
const GRACE = "user_2LocalGraceHopper0000000000";

/**
 * `pnpm dev` with no Clerk keys, as a developer on a fresh clone meets it: the web app's Vite dev server
 * (its real config, so the clerk-local plugin decides), the server in local mode, and the stand-in for
 * Clerk they both use. Nothing is stood in for by the test: only Inngest's Event API is a stub, which
 * takes the events the webhook route forwards. The reconciliation's pull is run by the test, as the
 * development pull runs it every few seconds.
 */
describe.runIf(hasChromium)("local sign-in in Chromium: pnpm dev with no Clerk keys", () => {
  let t: TestDatabase;
  let server: ClerkLocalModeServer;
  let vite: ViteDevServer;
  let inngestApi: Awaited<ReturnType<typeof startInngestEventApiStub>>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let appOrigin: string;
  const pageErrors: string[] = [];
  const restoreEnv: Record<string, string | undefined> = {};

  beforeAll(async () => {
    t = await openTestDatabase(testDatabaseKinds().at(-1) ?? "pglite");
    const [serverPort, clerkLocalPort, vitePort] = [await findFreePort(), await findFreePort(), await findFreePort()];
    appOrigin = `http://127.0.0.1:${vitePort}`;
    inngestApi = await startInngestEventApiStub();
    server = await startClerkLocalModeServer({
      db: t.db,
      port: serverPort,
      clerkLocalPort,
      webOrigin: appOrigin,
      inngestBaseUrl: inngestApi.url,
    });
    // What vite.config.ts and the clerk-local plugin read; no Clerk key anywhere (and no .env: envDir).
    for (const [name, value] of Object.entries({
      API_PROXY_TARGET: server.url,
      CLERK_LOCAL_PORT: String(clerkLocalPort),
      VITE_CLERK_PUBLISHABLE_KEY: undefined,
      CLERK_PUBLISHABLE_KEY: undefined,
      CLERK_SECRET_KEY: undefined,
    })) {
      restoreEnv[name] = process.env[name];
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    vite = await createServer({
      root: webRoot,
      configFile: join(webRoot, "vite.config.ts"),
      envDir: mkdtempSync(join(tmpdir(), "no-env-")),
      cacheDir: mkdtempSync(join(tmpdir(), "vite-cache-")),
      logLevel: "warn",
      server: { host: "127.0.0.1", port: vitePort, strictPort: true },
    });
    await vite.listen();
    browser = await launchChromium();
    context = await browser.newContext({ baseURL: appOrigin });
    page = await context.newPage();
    page.on("pageerror", (error) => pageErrors.push(error.message));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await vite?.close();
    await Promise.all([server?.close(), inngestApi?.close()]);
    await t?.close();
    for (const [name, value] of Object.entries(restoreEnv)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  const dashboard = async () => {
    const dashboardPage = await context.newPage();
    await dashboardPage.goto(`${server.local.url}/`);
    return dashboardPage;
  };
  const saveForDocs = (name: string) => {
    if (!writesDocs) return;
    mkdirSync(docsDir, { recursive: true });
    copyFileSync(`${screenshotDir}${name}.png`, join(docsDir, `${name}.png`));
  };

  it("says on the page that sign-in is local, not Clerk, and how to switch to Clerk", async () => {
    await page.goto("/", { timeout: 60_000 });
    await page.getByRole("heading", { name: "Your account, in your own database" }).waitFor({ timeout: 60_000 });
    const notice = page.getByRole("complementary", { name: "Local sign-in" });
    expect(await notice.textContent()).toMatch(
      /^Local sign-in: a stand-in for Clerk on this machine, not Clerk\. To sign in with Clerk, set VITE_CLERK_PUBLISHABLE_KEY and CLERK_SECRET_KEY in \.env/,
    );
  });

  it("signs in as a seeded member of two organizations, and user.me answers from the stand-in's Backend API", async () => {
    await page.getByRole("button", { name: "Sign in" }).click();
    const dialog = page.getByRole("dialog", { name: "Sign in (Clerk stand-in)" });
    await dialog.waitFor();
    await screenshot(page, "local-sign-in");
    saveForDocs("local-sign-in");
    await dialog.getByRole("button", { name: "Continue as Grace Hopper" }).click();
    await page.getByTestId("email").waitFor();
    expect(await page.getByTestId("email").textContent()).toBe("grace.hopper@example.com");
    expect(await page.getByTestId("clerk-name").textContent()).toBe("Grace Hopper");
    // The notice stays on every page, signed in too.
    expect(await page.getByRole("complementary", { name: "Local sign-in" }).count()).toBe(1);
  });

  it("switches organizations", async () => {
    const switcher = page.locator('[data-clerk-component="OrganizationSwitcher"]').getByRole("button");
    expect(await switcher.first().textContent()).toBe("Personal account");
    await switcher.first().click();
    await page.getByRole("menuitemradio", { name: "Bletchley Park" }).click();
    await expect.poll(() => switcher.first().textContent()).toBe("Bletchley Park");
    await page.getByRole("navigation", { name: "Pages" }).getByRole("link", { name: "Organization" }).click();
    await page.getByRole("heading", { name: "Bletchley Park" }).waitFor();

    await switcher.first().click();
    await page.getByRole("menuitemradio", { name: "Analytical Engines" }).click();
    await page.getByRole("heading", { name: "Analytical Engines" }).waitFor();
    await switcher.first().click();
    await page.getByRole("menuitemradio", { name: "Personal account" }).click();
    await page.getByTestId("email").waitFor();
  });

  it("edits the name in the local dashboard: a signed webhook goes out, and the pull brings it to the profile", async () => {
    const dashboardPage = await dashboard();
    await screenshot(dashboardPage, "local-dashboard");
    saveForDocs("local-dashboard");
    const rename = dashboardPage.getByRole("form", { name: "Rename Grace Hopper" });
    await rename.getByLabel("First name").fill("Amazing Grace");
    await rename.getByRole("button", { name: "Save name" }).click();
    await dashboardPage.getByRole("status").getByText("Renamed to Amazing Grace Hopper").waitFor();
    await dashboardPage.close();

    // Clerk's webhook, signed like Svix's, passed the server's verification and went on to Inngest.
    await server.local.webhooksSent();
    const forwarded = inngestApi.events.filter((event) => event.name === "clerk/user.updated");
    expect(forwarded.map((event) => (event.data as { id: string }).id)).toEqual([GRACE]);

    const report = await server.pullFromClerk();
    expect(report.status).toBe("succeeded");
    await page.reload();
    await expect.poll(() => page.getByTestId("clerk-name").textContent()).toBe("Amazing Grace Hopper");
    await screenshot(page, "local-profile-after-sync");
    saveForDocs("local-profile-after-sync");
  });

  it("impersonates a user from the dashboard: the app shows who is acting", async () => {
    const dashboardPage = await dashboard();
    await dashboardPage
      .getByRole("form", { name: "Impersonate Alan Turing" })
      .getByRole("button", { name: "Impersonate" })
      .click();
    // The dashboard sends the browser to the app, signed in as Alan with an actor.
    await dashboardPage.waitForURL(`${appOrigin}/`);
    const banner = dashboardPage.getByRole("region", { name: "Impersonation" });
    await banner.getByRole("heading", { name: "Acting as Alan Turing" }).waitFor();
    expect(await banner.textContent()).toContain("user_2LocalClerkDashboard0000000");
    await dashboardPage.close();
  });

  /** Signs the test's page out (whoever it is, the impersonation shares its storage) and in as `name`. */
  async function signInAs(name: string) {
    await page.goto("/");
    const signOut = page.getByRole("button", { name: "Sign out" });
    const signIn = page.getByRole("button", { name: "Sign in" });
    await signOut.or(signIn).first().waitFor();
    if (await signOut.count()) await signOut.first().click();
    await signIn.click();
    await page.getByRole("button", { name: `Continue as ${name}` }).click();
    await page.getByTestId("email").waitFor();
  }

  it("adds a member in the dashboard; after the pull, the organization's page lists them", async () => {
    const dashboardPage = await dashboard();
    const addMember = dashboardPage.getByRole("form", { name: "Add a member to Analytical Engines" });
    await addMember.getByLabel("Person").selectOption({ label: "Alan Turing" });
    await addMember.getByRole("button", { name: "Add" }).click();
    await dashboardPage.getByRole("status").getByText("Member added").waitFor();
    await dashboardPage.close();
    expect((await server.pullFromClerk()).status).toBe("succeeded");

    await signInAs("Ada Lovelace");
    const switcher = page.locator('[data-clerk-component="OrganizationSwitcher"]').getByRole("button").first();
    await switcher.click();
    await page.getByRole("menuitemradio", { name: "Analytical Engines" }).click();
    await page.getByRole("navigation", { name: "Pages" }).getByRole("link", { name: "Organization" }).click();
    const members = page.getByRole("list", { name: "Members" }).getByRole("listitem");
    await expect.poll(() => members.allTextContents()).toContainEqual(expect.stringContaining("Alan Turing"));
    await switcher.click();
    await page.getByRole("menuitemradio", { name: "Personal account" }).click();
    await page.getByTestId("email").waitFor();
  });

  it("signs up with any name", async () => {
    await page.getByRole("button", { name: "Sign out" }).first().click();
    await page.getByRole("button", { name: "Sign in" }).click();
    const signUp = page.getByRole("form", { name: "Sign up (local)" });
    await signUp.getByLabel("First name").fill("Katherine");
    await signUp.getByLabel("Last name").fill("Johnson");
    await signUp.getByRole("button", { name: "Sign up" }).click();
    await page.getByTestId("email").waitFor();
    expect(await page.getByTestId("email").textContent()).toBe("katherine.johnson@example.com");
    expect(await page.getByTestId("clerk-name").textContent()).toBe("Katherine Johnson");
  });

  it("deletes a user in the dashboard, and the next pull tombstones them; their session ends", async () => {
    await signInAs("Amazing Grace Hopper");

    const dashboardPage = await dashboard();
    await dashboardPage.getByRole("form", { name: "Delete Amazing Grace Hopper" }).getByRole("button").click();
    await dashboardPage.getByRole("status").getByText(`Deleted ${GRACE}`).waitFor();
    await dashboardPage.close();
    expect((await findUserById(t.db, GRACE))?.deleted_at).toBeNull();

    const report = await server.pullFromClerk();
    expect(report.status).toBe("succeeded");
    expect(report.counts.tombstoned).toBe(1);
    expect((await findUserById(t.db, GRACE))?.deleted_at).toBeInstanceOf(Date);

    // Clerk ends a deleted user's sessions: the stand-in refuses them a token, and the page signs out.
    await page.reload();
    await page.getByRole("heading", { name: "Your account, in your own database" }).waitFor();
  });

  it("threw no uncaught exception in the page along the way", () => {
    expect(pageErrors).toEqual([]);
  });
});

describe("the production build, made where local mode would be on", () => {
  it("contains none of the stand-in: no script, no key, no notice", async () => {
    // No Clerk key, as on a fresh clone: the dev server would sign in locally here.
    const previousPort = process.env.CLERK_LOCAL_PORT;
    process.env.CLERK_LOCAL_PORT = "3100";
    const distDir = await buildWebApp(undefined).finally(() => {
      if (previousPort === undefined) delete process.env.CLERK_LOCAL_PORT;
      else process.env.CLERK_LOCAL_PORT = previousPort;
    });
    // What a browser can get: source maps stay on disk (the server never sends them), and hold comments.
    const files = readdirSync(distDir, { recursive: true, withFileTypes: true }).filter(
      (entry) => entry.isFile() && !entry.name.endsWith(".map"),
    );
    const bundle = files.map((entry) => readFileSync(join(entry.parentPath, entry.name), "utf8")).join("\n");
    expect(bundle).toContain("One step left: connect Clerk"); // the app is there
    const markers = [
      "__clerkStandIn",
      "__clerk_ticket",
      "Local sign-in",
      "Clerk stand-in",
      "clerk-local",
      "pk_test_MTI3LjAuMC4x",
    ];
    expect(markers.filter((marker) => bundle.includes(marker))).toEqual([]);
  }, 120_000);
});
