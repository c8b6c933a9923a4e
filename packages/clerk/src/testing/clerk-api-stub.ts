import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { ClerkMembershipJson } from "../memberships/clerk-membership.ts";
import type { ClerkOrganizationJson } from "../organizations/clerk-organization.ts";
import type { ClerkUserJson } from "../users/clerk-user.ts";

/**
 * A loopback stand-in for the slice of Clerk's Backend API this app calls, reached through the Clerk
 * client's `apiUrl`. It answers with Clerk's JSON shapes and error format, and records each request.
 */
export type ClerkApiStub = ClerkOrganizationsStubData & {
  url: string;
  users: Map<string, ClerkUserJson>;
  requests: string[];
  /**
   * Makes `count` requests fail with this status (a 429 carries Retry-After: retryAfterSeconds), starting
   * after `afterRequests` more requests have succeeded.
   */
  failNext(count: number, status: number, options?: { retryAfterSeconds?: number; afterRequests?: number }): void;
  /** Users that exist (found by id) but that the paged list leaves out, as offset paging can. */
  hiddenFromList: Set<string>;
  /**
   * Runs before each answer: lets a test change Clerk's data in the middle of a listing, or stall a request
   * (a promise that has not settled yet keeps the request open).
   */
  onRequest: ((path: string) => Promise<void> | void) | undefined;
  /**
   * The Set-Cookie values a session refresh (`POST /v1/sessions/:id/refresh`) answers with, as Clerk hands a
   * fresh session token to a server SDK that refreshes an expired one; unset, the refresh is a 404.
   */
  refreshedSessionCookies: string[] | undefined;
  /** Stops the stub, dropping any request it still holds open. */
  close(): Promise<void>;
};

export async function startClerkApiStub(): Promise<ClerkApiStub> {
  const users = new Map<string, ClerkUserJson>();
  const organizations = new Map<string, ClerkOrganizationJson>();
  const requests: string[] = [];
  const hiddenFromList = new Set<string>();
  let failures = { skip: 0, remaining: 0, status: 500, retryAfter: undefined as number | undefined };

  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://stub");
    requests.push(`${req.method} ${url.pathname}${url.search}`);
    await stub.onRequest?.(url.pathname);
    if (failures.skip > 0) failures.skip -= 1;
    else if (failures.remaining > 0) {
      failures.remaining -= 1;
      if (failures.retryAfter !== undefined) res.setHeader("Retry-After", String(failures.retryAfter));
      return sendError(res, failures.status, failures.status === 429 ? "too_many_requests" : "internal_error");
    }
    if (answerOrganizationRoutes(stub, req.method, url, res)) return;
    if (req.method === "GET" && url.pathname === "/v1/users/count") {
      return sendJson(res, 200, { object: "total_count", total_count: users.size });
    }
    const refreshing = req.method === "POST" && /^\/v1\/sessions\/[^/]+\/refresh$/.test(url.pathname);
    if (refreshing && stub.refreshedSessionCookies) {
      return sendJson(res, 200, { object: "cookies", cookies: stub.refreshedSessionCookies });
    }
    const userMatch = url.pathname.match(/^\/v1\/users\/([^/]+)$/);
    if (req.method === "GET" && userMatch) {
      const user = users.get(decodeURIComponent(userMatch[1] ?? ""));
      return user ? sendJson(res, 200, user) : sendError(res, 404, "resource_not_found");
    }
    if (answerOrganizationById(req, url, res, organizations)) return;
    if (req.method === "GET" && url.pathname === "/v1/users") {
      const limit = Number(url.searchParams.get("limit") ?? 10);
      const offset = Number(url.searchParams.get("offset") ?? 0);
      const orderBy = url.searchParams.get("order_by") ?? "-created_at";
      const ids = [...url.searchParams.getAll("user_id"), ...url.searchParams.getAll("user_id[]")];
      const matching =
        ids.length > 0
          ? ids.flatMap((id) => users.get(id) ?? [])
          : [...users.values()].filter((user) => !hiddenFromList.has(user.id));
      const all = matching.sort((a, b) => compareBy(orderBy, a, b));
      return sendJson(res, 200, all.slice(offset, offset + limit));
    }
    sendError(res, 404, "resource_not_found");
  });
  const stub: ClerkApiStub = {
    url: "",
    users,
    requests,
    hiddenFromList,
    ...emptyOrganizationsStubData(organizations),
    onRequest: undefined,
    refreshedSessionCookies: undefined,
    failNext(count, status, options = {}) {
      failures = { skip: options.afterRequests ?? 0, remaining: count, status, retryAfter: options.retryAfterSeconds };
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  stub.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return stub;
}

/**
 * GET /v1/organizations/:id, as the Backend API's getOrganization({ organizationId }) calls it: the
 * organization, or Clerk's 404. Returns false for any other request.
 */
function answerOrganizationById(
  req: IncomingMessage,
  url: URL,
  res: ServerResponse,
  organizations: Map<string, ClerkOrganizationJson>,
): boolean {
  const match = url.pathname.match(/^\/v1\/organizations\/([^/]+)$/);
  if (req.method !== "GET" || !match) return false;
  const organization = organizations.get(decodeURIComponent(match[1] ?? ""));
  if (organization) sendJson(res, 200, organization);
  else sendError(res, 404, "resource_not_found");
  return true;
}

function compareBy(
  orderBy: string,
  a: { id: string; created_at: number; updated_at: number },
  b: { id: string; created_at: number; updated_at: number },
): number {
  const descending = orderBy.startsWith("-");
  const field = orderBy.replace(/^[-+]/, "") === "created_at" ? "created_at" : "updated_at";
  const difference = a[field] - b[field] || a.id.localeCompare(b.id);
  return descending ? -difference : difference;
}

/**
 * Clerk's organizations and their memberships, as the reconciliation lists them. Kept apart from the
 * users' routes (and from any other organization route) so that stubs added on other branches merge.
 */
export type ClerkOrganizationsStubData = {
  organizations: Map<string, ClerkOrganizationJson>;
  /** Memberships by membership id; each embeds the organization as `organizations` has it when answered. */
  memberships: Map<string, ClerkMembershipJson>;
  /** Organizations that exist (found by id) but that the paged list leaves out, as offset paging can. */
  hiddenOrganizationsFromList: Set<string>;
  /** Memberships that exist (found by user id) but that the paged list leaves out. */
  hiddenMembershipsFromList: Set<string>;
};

/** `organizations` is shared with GET /v1/organizations/:id (answerOrganizationById). */
function emptyOrganizationsStubData(organizations: Map<string, ClerkOrganizationJson>): ClerkOrganizationsStubData {
  return {
    organizations,
    memberships: new Map(),
    hiddenOrganizationsFromList: new Set(),
    hiddenMembershipsFromList: new Set(),
  };
}

/**
 * `GET /v1/organizations` (limit, offset, order_by, organization_id), `GET /v1/organizations/:id` and
 * `GET /v1/organizations/:id/memberships` (limit, offset, order_by, user_id), paginated as Clerk does
 * (`{ data, total_count }`), 404 for an organization it does not have. Returns whether it answered.
 */
function answerOrganizationRoutes(
  data: ClerkOrganizationsStubData,
  method: string | undefined,
  url: URL,
  res: ServerResponse,
): boolean {
  if (method !== "GET") return false;
  const limit = Number(url.searchParams.get("limit") ?? 10);
  const offset = Number(url.searchParams.get("offset") ?? 0);
  const orderBy = url.searchParams.get("order_by") ?? "-created_at";
  const paged = <T extends { id: string; created_at: number; updated_at: number }>(items: T[]) => {
    const sorted = items.sort((a, b) => compareBy(orderBy, a, b));
    sendJson(res, 200, { data: sorted.slice(offset, offset + limit), total_count: sorted.length });
    return true;
  };
  if (url.pathname === "/v1/organizations") {
    const ids = queryList(url, "organization_id");
    const matching =
      ids.length > 0
        ? ids.flatMap((id) => data.organizations.get(id) ?? [])
        : [...data.organizations.values()].filter((o) => !data.hiddenOrganizationsFromList.has(o.id));
    return paged(matching);
  }
  const match = url.pathname.match(/^\/v1\/organizations\/([^/]+)(\/memberships)?$/);
  if (!match) return false;
  const organization = data.organizations.get(decodeURIComponent(match[1] ?? ""));
  if (!organization) {
    sendError(res, 404, "resource_not_found");
    return true;
  }
  if (!match[2]) {
    sendJson(res, 200, organization);
    return true;
  }
  const userIds = queryList(url, "user_id");
  const memberships = [...data.memberships.values()]
    .filter((m) => m.organization.id === organization.id)
    .filter((m) =>
      userIds.length > 0 ? userIds.includes(m.public_user_data.user_id) : !data.hiddenMembershipsFromList.has(m.id),
    )
    .map((m) => ({ ...m, organization }));
  return paged(memberships);
}

/** A list parameter as the Clerk SDK sends it, repeated with or without `[]`. */
function queryList(url: URL, name: string): string[] {
  return [...url.searchParams.getAll(name), ...url.searchParams.getAll(`${name}[]`)];
}

function sendJson(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "Content-Type": "application/json" });
  res.end(JSON.stringify(body));
}

function sendError(res: ServerResponse, status: number, code: string) {
  sendJson(res, status, {
    errors: [{ code, message: code.replaceAll("_", " "), long_message: `Stub Backend API: ${code}` }],
    clerk_trace_id: "stub-trace",
  });
}
