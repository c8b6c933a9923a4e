// @vitest-environment node

import { membershipSyncRowFromClerk } from "@repo/clerk/memberships";
import { organizationSyncRowFromClerk } from "@repo/clerk/organizations";
import { clerkMembershipJson, clerkOrganizationJson, clerkUserJson } from "@repo/clerk/testing";
import { type ClerkFrontendStandIn, standInForClerkFrontend, type TokenRequest } from "@repo/clerk-local/playwright";
import { upsertMembershipsFromClerk } from "@repo/db/memberships";
import { findOrganizationById, upsertOrganizationsFromClerk } from "@repo/db/organizations";
import { openTestDatabase, type TestDatabase, testDatabaseKinds } from "@repo/db/testing";
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
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { hasChromium, launchChromium, screenshot } from "./browser.ts";

const clerk = createTestClerkInstance();
if (process.env.CI && !hasChromium) throw new Error("CI must run the browser tests: install Debian's chromium");

const AVATAR_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><circle cx=".5" cy=".5" r=".5" fill="#9a9aa6"/></svg>';

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
  /**
   * Set while someone impersonates the user: Clerk then puts an `act` claim naming them in every token
   * of the session, which is what the server (and so user.me, and the banner) goes by.
   */
  let impersonatorId: string | undefined;
  // Clerk's side of the two organizations. Acme's webhook has not arrived: the server fetches it from
  // the Backend API (the stub) just in time. Globex is synced. The memberships are, for both.
  const acmeInClerk = clerkOrganizationJson({ ...acme, image_url: null });
  const globexInClerk = clerkOrganizationJson({ ...globex, image_url: null });
  const grace = { id: "user_2GraceHopperFixture", first_name: "Grace", last_name: "Hopper", image_url: null };
  const hedy = { id: "user_2HedyLamarrFixture00", first_name: "Hedy", last_name: "Lamarr", image_url: null };

  beforeAll(async () => {
    t = await openTestDatabase(testDatabaseKinds().at(-1) ?? "pglite");
    const port = await findFreePort();
    const origin = `http://127.0.0.1:${port}`;
    const webDistDir = inject("webDistDir");
    const stub = await startClerkApiStub({ organizations: true });
    clerkApi = stub;
    // No webhook has arrived: user.me fetches the user from Clerk's Backend API (the stub) just in time.
    clerkApi.users.set(user.id, user);
    clerkApi.organizations.set(acme.id, acmeInClerk);
    await upsertOrganizationsFromClerk(t.db, [organizationSyncRowFromClerk(globexInClerk)]);
    await upsertMembershipsFromClerk(
      t.db,
      [
        clerkMembershipJson(acmeInClerk, { ...user, identifier: "ada@example.org" }, { role: "org:admin" }),
        clerkMembershipJson(acmeInClerk, { ...grace, identifier: "grace@example.org" }),
        clerkMembershipJson(globexInClerk, { ...hedy, identifier: "hedy@example.org" }, { role: "org:admin" }),
        clerkMembershipJson(globexInClerk, { ...user, identifier: "ada@example.org" }),
      ].map(membershipSyncRowFromClerk),
    );
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
        signSessionToken(clerk, {
          userId,
          azp: origin,
          ...organizationTokenOptions(organization),
          ...(impersonatorId ? { actor: { sub: impersonatorId } } : {}),
        }),
    });
    browser = await launchChromium();
    const context = await browser.newContext({ baseURL: server.url });
    await context.route("**/*", async (route) => {
      const { hostname } = new URL(route.request().url());
      if (hostname === "127.0.0.1") return route.continue();
      // Clerk's image CDN, for the avatars in the member list: a plain grey circle.
      if (hostname === "img.clerk.com") return route.fulfill({ contentType: "image/svg+xml", body: AVATAR_SVG });
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

  const pageLink = (name: "Profile" | "Organization") =>
    page.getByRole("navigation", { name: "Pages" }).getByRole("link", { name });
  const memberRows = () => page.getByRole("list", { name: "Members" }).getByRole("listitem");
  const descriptionForm = () => page.getByRole("form", { name: "Organization description" });
  /** The user's email address as Clerk lists it (the fixture's primary is the second). */
  const adaEmail = user.email_addresses.find((e) => e.id === user.primary_email_address_id)?.email_address;

  it("the organization page shows the active organization and its members from our database; a member sees no edit form", async () => {
    if ((await switcherButton().getAttribute("aria-expanded")) === "true") await switcherButton().click();
    expect(await switcherButton().textContent()).toBe("Globex Corporation");
    await pageLink("Organization").click();
    await page.getByRole("heading", { name: "Globex Corporation" }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/organization");
    expect(await page.getByTestId("organization-slug").textContent()).toBe("globex");
    await expect.poll(() => memberRows().count()).toBe(2);
    expect(await memberRows().allInnerTexts()).toEqual([
      expect.stringMatching(/^Hedy Lamarr\s+hedy@example\.org\s+Admin$/),
      expect.stringMatching(new RegExp(`^Ada Lovelace\\s+${adaEmail?.replaceAll(".", "\\.")}\\s+Member$`)),
    ]);
    expect(await descriptionForm().count()).toBe(0);
    await page.getByTestId("admins-only").waitFor();
    await screenshot(page, "org-05-member-organization-page");
  });

  it("the server refuses a member's edit with 403 even when called from the page, and the row is unchanged", async () => {
    const response = await page.evaluate(async () => {
      const clerkInPage = (window as unknown as { Clerk: { session: { getToken(): Promise<string> } } }).Clerk;
      const token = await clerkInPage.session.getToken();
      const answer = await fetch("/api/trpc/org.updateProfile", {
        method: "POST",
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
        body: JSON.stringify({ json: { description: "Written by a member" } }),
      });
      return { status: answer.status, body: await answer.json() };
    });
    expect(response.status).toBe(403);
    expect(response.body.error.json.data.reason).toBe("organization_permission_required");
    // The token the page used was for Globex, where this user is a member.
    expect(clerkFrontend.tokenRequests.at(-1)?.organization).toMatchObject({ id: globex.id, role: "org:member" });
    expect((await findOrganizationById(t.db, globex.id))?.description).toBeNull();
  });

  it("switching organizations shows the other organization's page and members, fetched from Clerk before its webhook", async () => {
    await switcherButton().click();
    await page.getByRole("menuitemradio", { name: "Acme Inc" }).click();
    await page.getByRole("heading", { name: "Acme Inc" }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/organization");
    expect(clerkApi.requests).toContain(`GET /v1/organizations/${acme.id}`);
    expect((await findOrganizationById(t.db, acme.id))?.name).toBe("Acme Inc");
    await expect.poll(() => memberRows().count()).toBe(2);
    const members = await memberRows().allInnerTexts();
    expect(members[0]).toMatch(/^Ada Lovelace[\s\S]*Admin$/);
    expect(members[1]).toMatch(/^Grace Hopper\s+grace@example\.org\s+Member$/);
    // Nothing of Globex is left on screen.
    expect(await page.getByText("Hedy Lamarr").count()).toBe(0);
    await screenshot(page, "org-06-admin-organization-page");
  });

  it("an admin saves the description, the page shows it, and it is in the database", async () => {
    await descriptionForm().getByLabel("Description").fill("  We make anvils.\nAnd rockets.  ");
    await descriptionForm().getByRole("button", { name: "Save" }).click();
    await descriptionForm()
      .getByText(/^Saved at /)
      .waitFor();
    expect(await page.getByTestId("organization-description").textContent()).toBe("We make anvils.\nAnd rockets.");
    expect(await descriptionForm().getByLabel("Description").inputValue()).toBe("We make anvils.\nAnd rockets.");
    expect((await findOrganizationById(t.db, acme.id))?.description).toBe("We make anvils.\nAnd rockets.");
    expect((await findOrganizationById(t.db, globex.id))?.description).toBeNull();
    await screenshot(page, "org-07-description-saved");
  });

  it("an admin's invalid description gets the server's message next to the field and is not stored", async () => {
    await descriptionForm().getByLabel("Description").fill("evil\u202Egnp.exe");
    await descriptionForm().getByRole("button", { name: "Save" }).click();
    await descriptionForm()
      .getByText(/invisible or control character \(U\+202E\)/)
      .waitFor();
    expect((await findOrganizationById(t.db, acme.id))?.description).toBe("We make anvils.\nAnd rockets.");
  });

  it("shows the impersonation banner on the organization page and on the profile page", async () => {
    impersonatorId = "user_2SupportAgentFixture";
    try {
      await page.reload();
      await page.getByRole("heading", { name: "Acme Inc" }).waitFor();
      const banner = page.getByRole("region", { name: "Impersonation" });
      await banner.getByRole("heading", { name: "Acting as Ada Lovelace" }).waitFor();
      expect(await banner.textContent()).toContain(impersonatorId);
      await screenshot(page, "org-08-impersonation-organization-page");
      await pageLink("Profile").click();
      await page.getByTestId("email").waitFor();
      await banner.getByRole("heading", { name: "Acting as Ada Lovelace" }).waitFor();
    } finally {
      impersonatorId = undefined;
    }
    await page.reload();
    await page.getByTestId("email").waitFor();
    expect(await page.getByRole("region", { name: "Impersonation" }).count()).toBe(0);
  });

  it("the personal account has no organization page links", async () => {
    await switcherButton().click();
    await page.getByRole("menuitemradio", { name: "Personal account" }).click();
    await expect.poll(() => switcherButton().textContent()).toBe("Personal account");
    await page.getByTestId("email").waitFor();
    expect(await page.getByRole("navigation", { name: "Pages" }).count()).toBe(0);
  });

  it("threw no uncaught exception in the page along the way", () => {
    expect(pageErrors).toEqual([]);
  });
});
