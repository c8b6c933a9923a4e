import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { ClerkMembershipJson } from "../memberships/clerk-membership.ts";
import type { ClerkOrganizationJson } from "../organizations/clerk-organization.ts";
import type { ClerkUserJson } from "../users/clerk-user.ts";

/**
 * A loopback stand-in for the slice of Clerk's Backend API this app calls, reached through the Clerk
 * client's `apiUrl`. It answers with Clerk's JSON shapes and error format, and records each request.
 *
 * Held to Clerk's published OpenAPI spec of the Backend API version @clerk/backend 3.25 sends
 * (`Clerk-API-Version: 2026-05-12`): github.com/clerk/openapi-specs, bapi/2026-05-12.yml at commit
 * 7987d1b776258d5ddd9163e1a03d256b5ac4d64a (2026-08-14), and to @clerk/backend's ClerkAPIResponseError:
 * - errors are `{ errors: [{ code, message, long_message, meta }], clerk_trace_id }` (ClerkErrors);
 * - `limit` is an integer 1-500 (default 10), `offset` an integer >= 0 (default 0), `order_by` one of the
 *   endpoint's listed fields with an optional `+`/`-` (default `-created_at`); anything else is a 422.
 *   The spec names the status, not the codes: `form_param_format_invalid` / `form_param_value_invalid`
 *   with `meta.param_name` are the codes Clerk uses for a bad parameter elsewhere;
 * - users' list is a bare array; organizations' and memberships' are `{ data, total_count }`;
 * - a missing user or organization is a 404 `resource_not_found` (ResourceNotFound);
 * - a new instance has organizations OFF, and then every organization endpoint answers 403
 *   `organization_not_enabled_in_instance` (Clerk's real answer; the spec lists a 403 for them only as
 *   AuthorizationInvalid). Tests that need organizations turn them on;
 * - a 429 carries `Retry-After` in seconds, which the SDK reads as `retryAfter`.
 */
export type ClerkApiStub = ClerkOrganizationsStubData & {
  url: string;
  /**
   * Whether the instance has the organizations feature on: as started (`{ organizations: true }`, off
   * otherwise, as a new Clerk instance is), and again after `reset()`; a test may flip it.
   */
  organizationsEnabled: boolean;
  users: Map<string, ClerkUserJson>;
  requests: string[];
  /**
   * Makes `count` requests fail with this status and error code (a 429 carries Retry-After:
   * retryAfterSeconds), starting after `afterRequests` more requests have succeeded.
   */
  failNext(
    count: number,
    status: number,
    options?: { retryAfterSeconds?: number; afterRequests?: number; code?: string },
  ): void;
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
  /** How many requests the rate limit (ClerkApiStubOptions.rateLimit) answered 429. */
  rateLimited: number;
  /**
   * Forgets everything a test can change: data, hidden entries, pending failures, hooks, the request log,
   * and the organizations feature (back to how the stub was started).
   */
  reset(): void;
  /** Stops the stub, dropping any request it still holds open. */
  close(): Promise<void>;
};

export type ClerkApiStubOptions = {
  /** Start as an instance with the organizations feature on (a new Clerk instance has it off). */
  organizations?: boolean;
  /**
   * Enforce Clerk's rate limit as Clerk does: more than `requests` requests in any `windowMs` are
   * answered 429 with Retry-After (100 per 10 s for a development instance; tests shrink the window).
   */
  rateLimit?: { requests: number; windowMs: number };
};

export async function startClerkApiStub(options: ClerkApiStubOptions = {}): Promise<ClerkApiStub> {
  const { stub, listen } = createClerkApiStub(options);
  await listen();
  return stub;
}

/**
 * The stub, not yet listening: `listen` binds a loopback port (a free one by default) and sets `stub.url`.
 * `handle` answers one request as the stub would, for a server of the caller's own that serves the Backend
 * API among other things (@repo/clerk-local, the local stand-in for Clerk).
 */
export function createClerkApiStub(options: ClerkApiStubOptions = {}): {
  stub: ClerkApiStub;
  listen(port?: number): Promise<void>;
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
} {
  const users = new Map<string, ClerkUserJson>();
  const organizations = new Map<string, ClerkOrganizationJson>();
  const requests: string[] = [];
  const hiddenFromList = new Set<string>();
  let failures = { skip: 0, remaining: 0, status: 500, code: "", retryAfter: undefined as number | undefined };

  const requestTimes: number[] = [];

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://stub");
    requests.push(`${req.method} ${url.pathname}${url.search}`);
    if (options.rateLimit) {
      const { requests: limit, windowMs } = options.rateLimit;
      const now = Date.now();
      while (requestTimes.length > 0 && (requestTimes[0] ?? 0) <= now - windowMs) requestTimes.shift();
      requestTimes.push(now);
      if (requestTimes.length > limit) {
        stub.rateLimited += 1;
        const waitMs = (requestTimes[requestTimes.length - 1 - limit] ?? now) + windowMs - now;
        res.setHeader("Retry-After", String(Math.max(1, Math.ceil(waitMs / 1000))));
        return sendError(res, 429, "too_many_requests");
      }
    }
    await stub.onRequest?.(url.pathname);
    if (failures.skip > 0) failures.skip -= 1;
    else if (failures.remaining > 0) {
      failures.remaining -= 1;
      if (failures.retryAfter !== undefined) res.setHeader("Retry-After", String(failures.retryAfter));
      return sendError(res, failures.status, failures.code);
    }
    if (isOrganizationEndpoint(url) && !stub.organizationsEnabled) return sendOrganizationsNotEnabled(res);
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
      const paging = readPaging(url, res, USER_ORDERINGS);
      if (!paging) return;
      const ids = queryList(url, "user_id");
      const matching =
        ids.length > 0
          ? ids.flatMap((id) => users.get(id) ?? [])
          : [...users.values()].filter((user) => !hiddenFromList.has(user.id));
      // The spec's User.List: a bare array (the SDK asks /v1/users/count for the total).
      return sendJson(res, 200, paging.page(matching));
    }
    sendError(res, 404, "resource_not_found");
  };
  const server = createServer(handle);
  const stub: ClerkApiStub = {
    url: "",
    organizationsEnabled: options.organizations ?? false,
    users,
    requests,
    hiddenFromList,
    ...emptyOrganizationsStubData(organizations),
    onRequest: undefined,
    refreshedSessionCookies: undefined,
    rateLimited: 0,
    failNext(count, status, options = {}) {
      failures = {
        skip: options.afterRequests ?? 0,
        remaining: count,
        status,
        code: options.code ?? (status === 429 ? "too_many_requests" : "internal_error"),
        retryAfter: options.retryAfterSeconds,
      };
    },
    reset() {
      for (const collection of [
        users,
        organizations,
        hiddenFromList,
        stub.memberships,
        stub.hiddenOrganizationsFromList,
        stub.hiddenMembershipsFromList,
      ])
        collection.clear();
      requests.length = 0;
      requestTimes.length = 0;
      stub.rateLimited = 0;
      stub.failNext(0, 500);
      stub.onRequest = undefined;
      stub.refreshedSessionCookies = undefined;
      stub.organizationsEnabled = options.organizations ?? false;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const listen = async (port = 0) => {
    await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
    stub.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };
  return { stub, listen, handle };
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

type Listed = { id: string; created_at: number; updated_at: number; name?: string };

/**
 * The `order_by` fields the spec lists for an endpoint, each with how the stub sorts by it, or null for
 * one the spec allows but the stub does not model (answered 501, so a test that needs it says so).
 */
type Orderings = Record<string, ((item: Listed) => number | string) | null>;

const USER_ORDERINGS: Orderings = {
  created_at: (user) => user.created_at,
  updated_at: (user) => user.updated_at,
  email_address: null,
  web3wallet: null,
  first_name: null,
  last_name: null,
  phone_number: null,
  username: null,
  last_active_at: null,
  last_sign_in_at: null,
};
const ORGANIZATION_ORDERINGS: Orderings = {
  name: (organization) => organization.name ?? "",
  created_at: (organization) => organization.created_at,
  members_count: null,
};
const MEMBERSHIP_ORDERINGS: Orderings = {
  created_at: (membership) => membership.created_at,
  phone_number: null,
  email_address: null,
  first_name: null,
  last_name: null,
  username: null,
};

/**
 * The list parameters every Backend API list shares (LimitParameter, OffsetParameter, order_by), checked
 * as Clerk does: a bad one is answered 422 here and `undefined` returned; otherwise `page` sorts (ties by
 * id) and slices a list.
 */
function readPaging(
  url: URL,
  res: ServerResponse,
  orderings: Orderings,
): { page<T extends Listed>(items: T[]): T[] } | undefined {
  const limit = readInteger(url, "limit", 10);
  const offset = readInteger(url, "offset", 0);
  for (const [name, value, isInRange] of [
    ["limit", limit, (n: number) => n >= 1 && n <= 500],
    ["offset", offset, (n: number) => n >= 0],
  ] as const) {
    if (value === undefined) {
      sendError(res, 422, "form_param_format_invalid", {
        param_name: name,
        long_message: `${name} must be an integer`,
      });
      return undefined;
    }
    if (!isInRange(value)) {
      const range = name === "limit" ? "between 1 and 500" : "greater than or equal to 0";
      sendError(res, 422, "form_param_value_invalid", { param_name: name, long_message: `${name} must be ${range}` });
      return undefined;
    }
  }
  const orderBy = (url.searchParams.get("order_by") ?? "-created_at").match(/^([+-]?)([a-z_0-9]+)$/);
  const field = orderBy?.[2];
  if (!orderBy || field === undefined || !Object.hasOwn(orderings, field)) {
    const allowed = Object.keys(orderings).join(", ");
    sendError(res, 422, "form_param_value_invalid", {
      param_name: "order_by",
      long_message: `order_by must be one of ${allowed}, optionally prefixed with + or -`,
    });
    return undefined;
  }
  const key = orderings[field];
  if (!key) {
    sendError(res, 501, "stub_order_by_not_modelled", {
      long_message: `The Clerk API stub does not sort by ${field}; add it to the stub if a test needs it`,
    });
    return undefined;
  }
  const direction = orderBy[1] === "-" ? -1 : 1;
  return {
    page: (items) =>
      items
        .sort((a, b) => {
          const [x, y] = [key(a), key(b)];
          return direction * (x < y ? -1 : x > y ? 1 : a.id.localeCompare(b.id));
        })
        .slice(offset ?? 0, (offset ?? 0) + (limit ?? 10)),
  };
}

/** The integer query parameter, its default when absent, or undefined when it is not an integer. */
function readInteger(url: URL, name: string, fallback: number): number | undefined {
  const text = url.searchParams.get(name);
  if (text === null) return fallback;
  return /^-?\d+$/.test(text) ? Number(text) : undefined;
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
  const paged = <T extends Listed>(items: T[], orderings: Orderings) => {
    const paging = readPaging(url, res, orderings);
    if (paging) sendJson(res, 200, { data: paging.page(items), total_count: items.length });
    return true;
  };
  if (url.pathname === "/v1/organizations") {
    const ids = queryList(url, "organization_id");
    const matching =
      ids.length > 0
        ? ids.flatMap((id) => data.organizations.get(id) ?? [])
        : [...data.organizations.values()].filter((o) => !data.hiddenOrganizationsFromList.has(o.id));
    return paged(matching, ORGANIZATION_ORDERINGS);
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
  return paged(memberships, MEMBERSHIP_ORDERINGS);
}

/**
 * Every endpoint of the organizations feature: `/v1/organizations...`, `/v1/organization_memberships`,
 * `/v1/organization_invitations...`, `/v1/organization_domains...`, and a user's memberships.
 */
function isOrganizationEndpoint(url: URL): boolean {
  return /^\/v1\/organization/.test(url.pathname) || /^\/v1\/users\/[^/]+\/organization_/.test(url.pathname);
}

/** Clerk's answer, word for word, on an instance whose organizations feature is off (a new one). */
function sendOrganizationsNotEnabled(res: ServerResponse) {
  sendError(res, 403, "organization_not_enabled_in_instance", {
    message: "access denied",
    long_message:
      "The organizations feature is not enabled for this instance. You can enable it at https://dashboard.clerk.com.",
  });
}

/** A list parameter as the Clerk SDK sends it, repeated with or without `[]`. */
function queryList(url: URL, name: string): string[] {
  return [...url.searchParams.getAll(name), ...url.searchParams.getAll(`${name}[]`)];
}

function sendJson(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "Content-Type": "application/json" });
  res.end(JSON.stringify(body));
}

/** Clerk's ClerkErrors body: one error, its `meta` holding `param_name` for a bad parameter. */
function sendError(
  res: ServerResponse,
  status: number,
  code: string,
  details: { message?: string; long_message?: string; param_name?: string } = {},
) {
  const { message = code.replaceAll("_", " "), long_message = `Stub Backend API: ${code}`, param_name } = details;
  sendJson(res, status, {
    errors: [{ code, message, long_message, meta: param_name === undefined ? {} : { param_name } }],
    clerk_trace_id: "stub-trace",
  });
}
