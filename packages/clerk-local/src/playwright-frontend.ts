import {
  STAND_IN_UI_SCRIPT,
  type StandInConfig,
  type StandInMembership,
  type StandInOrganization,
  standInScript,
} from "./browser/stand-in-script.ts";

export type { StandInMembership, StandInOrganization };

/**
 * The part of Playwright's Route this uses (`page.route` / `context.route` hand one to the handler), so the
 * package needs no Playwright of its own: pass the Route as it is.
 */
export type Route = {
  request(): { url(): string; postData(): string | null };
  fulfill(response: {
    status?: number;
    contentType?: string;
    headers?: Record<string, string>;
    body?: string;
  }): Promise<void>;
};

/**
 * What the browser asked Clerk's token endpoint for: whose session, and which active organization
 * (null: the personal account) with the user's role in it, as Clerk would put them in the token.
 */
export type TokenRequest = {
  userId: string;
  sessionId: string;
  organization: (StandInOrganization & { role: string }) | null;
};

export type ClerkFrontendStandIn = {
  /** Answers a request meant for Clerk's CDN or Frontend API; false when the request is not Clerk's. */
  answer(route: Route): Promise<boolean>;
  /** Every token request the page made, oldest first, with the token it was answered with. */
  tokenRequests: (TokenRequest & { jwt: string })[];
};

export type ClerkFrontendOptions = {
  /** The Clerk instance played: the Frontend API host and the publishable key naming it. */
  clerk: { frontendApi: string; publishableKey: string };
  /** The web app's origin, allowed to read the token endpoint's answers. */
  origin: string;
  /** The users the stand-in's sign-in dialog offers. */
  userIds: string[];
  /** Each user's organization memberships, as Clerk lists them on the user. */
  memberships?: Record<string, StandInMembership[]>;
  /** The token for one request: the test chooses its claims and lifetime. */
  mintToken(request: TokenRequest): Promise<string>;
};

/**
 * For Playwright tests of a production build (the publishable key names a made-up Frontend API host, whose
 * requests the test's route handler passes here): the test plays Clerk's hosted side. The CDN's
 * clerk.browser.js is the stand-in (browser/clerk-stand-in.js),
 * ui.browser.js is empty (the stand-in draws its own components), and the Frontend API's session token
 * endpoint answers with `mintToken`'s token. The organization a token is for comes from the request's
 * form body (`organization_id`), as clerk-js sends it; the role comes from `memberships`, as Clerk's
 * own records decide it.
 */
export function standInForClerkFrontend(options: ClerkFrontendOptions): ClerkFrontendStandIn {
  const { clerk } = options;
  const tokenRequests: ClerkFrontendStandIn["tokenRequests"] = [];
  const config: StandInConfig & { memberships: Record<string, StandInMembership[]> } = {
    frontendApi: clerk.frontendApi,
    publishableKey: clerk.publishableKey,
    userIds: options.userIds,
    memberships: options.memberships ?? {},
  };

  async function answer(route: Route): Promise<boolean> {
    const url = new URL(route.request().url());
    if (url.hostname !== clerk.frontendApi) return false;
    if (url.pathname.endsWith("/dist/clerk.browser.js")) {
      await route.fulfill({
        contentType: "application/javascript",
        headers: { "Access-Control-Allow-Origin": "*" },
        body: standInScript(config),
      });
      return true;
    }
    if (url.pathname.endsWith("/dist/ui.browser.js")) {
      await route.fulfill({
        contentType: "application/javascript",
        headers: { "Access-Control-Allow-Origin": "*" },
        body: STAND_IN_UI_SCRIPT,
      });
      return true;
    }
    const tokenPath = url.pathname.match(/^\/v1\/client\/sessions\/(sess_([^/]+))\/tokens$/);
    if (!tokenPath) return false;
    const cors = { "Access-Control-Allow-Origin": options.origin };
    const userId = `user_${tokenPath[2]}`;
    const organizationId = new URLSearchParams(route.request().postData() ?? "").get("organization_id") || null;
    const membership = config.memberships[userId]?.find((m) => m.organization.id === organizationId);
    if (organizationId && !membership) {
      // Clerk refuses a token for an organization the user is not a member of.
      await route.fulfill({
        status: 404,
        contentType: "application/json",
        headers: cors,
        body: JSON.stringify({ errors: [{ code: "resource_not_found", message: "not a member" }] }),
      });
      return true;
    }
    const request: TokenRequest = {
      userId,
      sessionId: tokenPath[1] ?? "",
      organization: membership ? { ...membership.organization, role: membership.role } : null,
    };
    const jwt = await options.mintToken(request);
    tokenRequests.push({ ...request, jwt });
    await route.fulfill({
      contentType: "application/json",
      headers: cors,
      body: JSON.stringify({ object: "token", jwt }),
    });
    return true;
  }

  return { answer, tokenRequests };
}
