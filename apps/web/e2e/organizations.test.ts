// @vitest-environment node
import { openTestDatabase, type TestDatabase, testDatabaseKinds } from "@repo/db/testing";
import { clerkUserJson } from "@repo/inngest/testing";
import {
  type ClerkApiStub,
  createTestClerkInstance,
  findFreePort,
  signSessionToken,
  startClerkApiStub,
  startTestServer,
  type TestServer,
} from "@repo/server/testing";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasChromium, launchChromium, screenshot } from "./browser.ts";
import { buildWebApp } from "./build-web.ts";
import { type ClerkFrontendStandIn, standInForClerkFrontend, type TokenRequest } from "./clerk-frontend.ts";

const clerk = createTestClerkInstance();
if (process.env.CI && !hasChromium) throw new Error("CI must run the browser tests: install Debian's chromium");

const acme = { id: "org_2AcmeTestFixture00000000000", name: "Acme Inc", slug: "acme" };
const globex = { id: "org_2GlobexTestFixture000000000", name: "Globex Corporation", slug: "globex" };

/**
 * What signSessionToken is given, besides the user, for a token the browser asked for while
 * `organization` was active (null: the personal account): Clerk's v2 organization claim, so the server
 * sees the active organization in every call the page makes, as it would with Clerk.
 */
function organizationTokenOptions(
  organization: TokenRequest["organization"],
): Partial<Parameters<typeof signSessionToken>[1]> {
  if (!organization) return {};
  const { id, slug, role } = organization;
  return { org: { id, role, ...(slug ? { slug } : {}) } };
}

describe.runIf(hasChromium)("organizations in Chromium, against the production build and the real server", () => {
  const user = clerkUserJson({ first_name: "Ada", last_name: "Lovelace" });
  let t: TestDatabase;
  let server: TestServer;
  let clerkApi: ClerkApiStub;
  let browser: Browser;
  let clerkFrontend: ClerkFrontendStandIn;
  let page: Page;
  /** The bearer token of every tRPC request the page made, in order. */
  const apiTokens: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    t = await openTestDatabase(testDatabaseKinds().at(-1) ?? "pglite");
    const port = await findFreePort();
    const origin = `http://127.0.0.1:${port}`;
    const [webDistDir, stub] = await Promise.all([buildWebApp(undefined), startClerkApiStub()]);
    clerkApi = stub;
    // No webhook has arrived: user.me fetches the user from Clerk's Backend API (the stub) just in time.
    clerkApi.users.set(user.id, user);
    server = await startTestServer({
      db: t.db,
      clerk,
      clerkApiUrl: clerkApi.url,
      webOrigins: [origin],
      webDistDir,
      port,
    });
    clerkFrontend = standInForClerkFrontend({
      clerk,
      origin,
      userIds: [user.id],
      memberships: {
        [user.id]: [
          { organization: acme, role: "org:admin" },
          { organization: globex, role: "org:member" },
        ],
      },
      mintToken: ({ userId, organization }) =>
        signSessionToken(clerk, { userId, azp: origin, ...organizationTokenOptions(organization) }),
    });
    browser = await launchChromium();
    const context = await browser.newContext({ baseURL: server.url });
    await context.route("**/*", async (route) => {
      if (new URL(route.request().url()).hostname === "127.0.0.1") return route.continue();
      if (await clerkFrontend.answer(route)) return;
      return route.abort("blockedbyclient");
    });
    page = await context.newPage();
    page.on("pageerror", (error) => pageErrors.push(error.message));
    page.on("request", (request) => {
      const authorization = request.headers().authorization;
      if (new URL(request.url()).pathname.startsWith("/api/trpc") && authorization) {
        apiTokens.push(authorization.replace(/^Bearer /, ""));
      }
    });
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all([server?.close(), clerkApi?.close()]);
    await t?.close();
  });

  const switcher = () => page.locator('[data-clerk-component="OrganizationSwitcher"]');
  const switcherButton = () => switcher().getByRole("button");
  const tokensFor = (organizationId: string | null) =>
    clerkFrontend.tokenRequests.filter((r) => (r.organization?.id ?? null) === organizationId).map((r) => r.jwt);

  it("shows no organization switcher to a signed-out visitor", async () => {
    await page.goto("/");
    await page.getByRole("heading", { name: "Your account, in your own database" }).waitFor();
    expect(await switcher().count()).toBe(0);
  });

  it("puts Clerk's organization switcher in the header, listing the user's organizations", async () => {
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("button", { name: `Continue as ${user.id}` }).click();
    await page.getByTestId("email").waitFor();
    // Signed in without an active organization: the personal account.
    expect(await switcherButton().textContent()).toBe("Personal account");
    expect(clerkFrontend.tokenRequests.at(-1)?.organization).toBeNull();

    await switcherButton().click();
    const choices = page.getByRole("menu", { name: "Organizations (Clerk stand-in)" }).getByRole("menuitemradio");
    expect(await choices.allTextContents()).toEqual(["Personal account", "Acme Inc", "Globex Corporation"]);
    await screenshot(page, "org-01-switcher-open");
  });

  it("switching calls setActive, and the next token and API call are for the chosen organization", async () => {
    // Watch the calls the switcher makes on the Clerk instance the app loaded.
    await page.evaluate(() => {
      const target = window as unknown as {
        Clerk: { setActive(params: unknown): Promise<void> };
        setActiveCalls: unknown[];
      };
      const setActive = target.Clerk.setActive.bind(target.Clerk);
      target.setActiveCalls = [];
      target.Clerk.setActive = (params) => {
        target.setActiveCalls.push(params);
        return setActive(params);
      };
    });
    const tokensBefore = clerkFrontend.tokenRequests.length;
    const apiCallsBefore = apiTokens.length;

    await page.getByRole("menuitemradio", { name: "Globex Corporation" }).click();

    await expect.poll(() => switcherButton().textContent()).toBe("Globex Corporation");
    expect(await page.evaluate(() => (window as unknown as { setActiveCalls: unknown[] }).setActiveCalls)).toEqual([
      { organization: globex.id },
    ]);
    expect(clerkFrontend.tokenRequests[tokensBefore]?.organization).toEqual({ ...globex, role: "org:member" });
    // The page asks the server again, with a token for the organization it switched to, and nothing it
    // fetched for the personal account stays on screen meanwhile.
    await expect
      .poll(() => apiTokens.slice(apiCallsBefore).some((token) => tokensFor(globex.id).includes(token)))
      .toBe(true);
    await page.getByTestId("email").waitFor();
    await screenshot(page, "org-02-switched");
  });

  it("keeps the active organization across a reload, as Clerk's session does", async () => {
    const tokensBefore = clerkFrontend.tokenRequests.length;
    await page.reload();
    await page.getByTestId("email").waitFor();
    expect(await switcherButton().textContent()).toBe("Globex Corporation");
    const afterReload = clerkFrontend.tokenRequests.slice(tokensBefore).map((r) => r.organization?.id ?? null);
    expect(afterReload.length).toBeGreaterThan(0);
    expect(new Set(afterReload)).toEqual(new Set([globex.id]));
  });

  it("switches back to the personal account", async () => {
    const tokensBefore = clerkFrontend.tokenRequests.length;
    await switcherButton().click();
    await page.getByRole("menuitemradio", { name: "Personal account" }).click();
    await expect.poll(() => switcherButton().textContent()).toBe("Personal account");
    expect(clerkFrontend.tokenRequests[tokensBefore]?.organization).toBeNull();
  });

  it("reads well on a phone-width screen with an organization active", async () => {
    await switcherButton().click();
    await page.getByRole("menuitemradio", { name: "Globex Corporation" }).click();
    await expect.poll(() => switcherButton().textContent()).toBe("Globex Corporation");
    await page.setViewportSize({ width: 375, height: 740 });
    await page.getByTestId("email").waitFor();
    const overflows = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    expect(overflows).toBe(false);
    await screenshot(page, "org-03-phone-width");
    await switcherButton().click();
    await screenshot(page, "org-04-phone-width-switcher-open");
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it("threw no uncaught exception in the page along the way", () => {
    expect(pageErrors).toEqual([]);
  });
});
