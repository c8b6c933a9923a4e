import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { createClerkApiStub } from "@repo/clerk/testing/api-stub";
import { STAND_IN_UI_SCRIPT, standInScript } from "./browser/stand-in-script.ts";
import { type DashboardNotice, dashboardPage } from "./dashboard-page.ts";
import {
  checkPersonName,
  createLocalDirectory,
  type LocalDirectory,
  LocalDirectoryError,
  type MemberRole,
  newId,
} from "./local-directory.ts";
import { localFrontendApi, localPublishableKey } from "./local-instance.js";
import { loadOrCreateLocalKeys } from "./local-keys.ts";
import { signSessionToken } from "./session-tokens.ts";
import { createWebhookSender, type WebhookDelivery } from "./webhook-sender.ts";

export { localFrontendApi, localPublishableKey } from "./local-instance.js";

export type ClerkLocalOptions = {
  /** Keys and people are kept here (`.data/clerk-local` for `pnpm dev`). */
  dataDir: string;
  /** The loopback port to serve on; 0 for any free one. */
  port: number;
  /** The web app's origins: the token endpoint answers them only, and tokens name the caller's (`azp`). */
  webOrigins: string[];
  /** Where webhooks go: the app's /api/webhooks/clerk (asked at each delivery: the app may listen later). */
  webhookUrl: () => string;
  log?: (level: "info" | "warn", message: string) => void;
};

/**
 * A Clerk instance on this machine, for `pnpm dev` without an account and for tests: what the app is
 * given as Clerk's keys and URLs, and the people in it.
 */
export type ClerkLocal = {
  /** The stand-in's origin: its Frontend API, Backend API and dashboard (at `/`). */
  url: string;
  publishableKey: string;
  /** The Backend API's bearer: not a Clerk key, made for this machine's stand-in (kept with its keys). */
  secretKey: string;
  /** PEM public key verifying the stand-in's session tokens: the server's CLERK_JWT_KEY. */
  jwtKey: string;
  webhookSigningSecret: string;
  directory: LocalDirectory;
  /** Settles once every webhook of the changes made so far has been delivered (or has failed). */
  webhooksSent(): Promise<void>;
  close(): Promise<void>;
};

const LOCAL_KEY_ID = "ins_2ClerkLocalStandIn000000000";
const MAX_FORM_BYTES = 16 * 1024;
/**
 * Who acts in an impersonation: the developer at the local dashboard, as Clerk names its dashboard's user
 * in the `act` claim (a user id, though not one of the instance's users).
 */
const DASHBOARD_ACTOR_ID = "user_2LocalClerkDashboard0000000";
/** An impersonation ticket is used within this long, once. */
const TICKET_TTL_MS = 5 * 60_000;

/**
 * Starts the stand-in: Clerk's Frontend API (the browser SDK, session tokens, sign-up, impersonation
 * tickets), its Backend API (the stub the server's tests use, answering per Clerk's OpenAPI spec, over
 * the people below), the local dashboard, and Svix-signed webhooks to the app for every change.
 */
export async function startClerkLocal(options: ClerkLocalOptions): Promise<ClerkLocal> {
  const log = options.log ?? (() => {});
  const keys = loadOrCreateLocalKeys(options.dataDir);
  const { stub, handle: answerBackendApi } = createClerkApiStub({ organizations: true });
  const deliveries: (WebhookDelivery & { at: Date })[] = [];
  const sendWebhooks = createWebhookSender({
    url: options.webhookUrl,
    signingSecret: keys.webhookSigningSecret,
    onDelivered(delivery) {
      deliveries.unshift({ ...delivery, at: new Date() });
      deliveries.length = Math.min(deliveries.length, 20);
      if (delivery.status !== 200)
        log("warn", `local Clerk: webhook ${delivery.type} was not delivered (${delivery.status})`);
    },
  });
  let sending = Promise.resolve();
  const directory = createLocalDirectory(stub, {
    statePath: join(options.dataDir, "directory.json"),
    onEvents(events) {
      sending = sendWebhooks(events);
    },
  });
  /** Impersonation tickets, and the sessions they opened: whom each is for, and who acts. */
  const tickets = new Map<string, { userId: string; actorId: string; expiresAt: number }>();
  const impersonations = new Map<string, { userId: string; actorId: string }>();

  let url = "";
  const server = createServer((req, res) => {
    answer(req, res).catch((error: unknown) => {
      log("warn", `local Clerk: ${req.method} ${req.url} failed: ${error instanceof Error ? error.message : error}`);
      if (!res.headersSent) sendJson(res, 500, clerkErrors("internal_error", "The local Clerk stand-in failed"));
    });
  });

  async function answer(req: IncomingMessage, res: ServerResponse) {
    // DNS rebinding: a page at rebind.example whose name is made to resolve to 127.0.0.1 reaches this port
    // as its own origin, with its own name in Host. Only requests addressed to this machine by name are
    // for the stand-in.
    if (!isAddressedToThisMachine(req.headers.host))
      return sendJson(res, 421, clerkErrors("host_invalid", "Address the local stand-in as 127.0.0.1 or localhost"));
    const path = new URL(req.url ?? "/", "http://local").pathname;
    if (req.method === "GET" && path.endsWith("/dist/clerk.browser.js")) {
      // The script carries the directory (names, memberships) for the sign-in dialog: another site's page
      // must not be able to load it with <script src> and read window.__clerkStandIn.
      if (!isLoadedByTheWebApp(req))
        return sendJson(res, 403, clerkErrors("origin_invalid", "Only the web app's pages load the stand-in"));
      return sendScript(res, browserScript());
    }
    if (req.method === "GET" && path.endsWith("/dist/ui.browser.js")) return sendScript(res, STAND_IN_UI_SCRIPT);
    if (path.startsWith("/v1/client/")) return answerFrontendApi(req, res, path);
    if (path === "/" && req.method === "GET") return sendDashboard(res, noticeFrom(req));
    if (path.startsWith("/dashboard/") && req.method === "POST") return answerDashboardForm(req, res, path);
    if (path.startsWith("/v1/")) {
      // Clerk's Backend API takes the secret key, and so does this one.
      if (req.headers.authorization !== `Bearer ${keys.secretKey}`)
        return sendJson(res, 401, clerkErrors("authentication_invalid", "The secret key is missing or not this one"));
      await answerBackendApi(req, res);
      stub.requests.length = 0; // kept by the stub for tests; a long `pnpm dev` has no use for it
      return;
    }
    sendJson(res, 404, clerkErrors("resource_not_found", "Not found"));
  }

  function browserScript(): string {
    const users = directory.users();
    return `${STAND_IN_UI_SCRIPT}\n${standInScript({
      frontendApi: localFrontendApi(port()),
      frontendApiUrl: url,
      publishableKey: localPublishableKey(port()),
      users: users.map((user) => ({ id: user.id, label: fullName(user) })),
      memberships: Object.fromEntries(
        users.map((user) => [
          user.id,
          directory.membershipsOf(user.id).map((m) => ({
            organization: { id: m.organization.id, name: m.organization.name, slug: m.organization.slug ?? null },
            role: m.role,
          })),
        ]),
      ),
      local: { dashboardUrl: `${url}/` },
    })}`;
  }

  async function answerFrontendApi(req: IncomingMessage, res: ServerResponse, path: string) {
    const origin = req.headers.origin ?? "";
    // Only the web app may ask for its users' tokens (as Clerk allows only the instance's own origins).
    if (!options.webOrigins.includes(origin))
      return sendJson(res, 403, clerkErrors("origin_invalid", `${origin || "This origin"} is not the web app's`));
    res.setHeader("Access-Control-Allow-Origin", origin);
    res.setHeader("Vary", "Origin");
    if (req.method !== "POST") return sendJson(res, 405, clerkErrors("method_not_allowed", "POST only"));
    const form = await readForm(req);
    if (!form) return sendJson(res, 413, clerkErrors("request_too_large", "The form is too large"));
    const tokenPath = /^\/v1\/client\/sessions\/(sess_[0-9A-Za-z]+)\/tokens$/.exec(path);
    if (tokenPath?.[1]) return sendToken(res, origin, tokenPath[1], form.get("organization_id") || null);
    if (path === "/v1/client/sign_ups") {
      const name = checkPersonName(form.get("first_name") ?? "", form.get("last_name") ?? "");
      if (typeof name === "string") return sendJson(res, 422, clerkErrors("form_param_invalid", name));
      const user = directory.signUp(name);
      log("info", `local Clerk: ${fullName(user)} signed up (${user.id})`);
      return sendJson(res, 200, { user_id: user.id, label: fullName(user) });
    }
    if (path === "/v1/client/sign_ins") {
      const ticket = tickets.get(form.get("ticket") ?? "");
      tickets.delete(form.get("ticket") ?? "");
      if (!ticket || ticket.expiresAt < Date.now() || !directory.userExists(ticket.userId))
        return sendJson(res, 422, clerkErrors("ticket_invalid", "This impersonation link was used or has expired"));
      const sessionId = newId("sess");
      impersonations.set(sessionId, { userId: ticket.userId, actorId: ticket.actorId });
      return sendJson(res, 200, { user_id: ticket.userId, session_id: sessionId });
    }
    sendJson(res, 404, clerkErrors("resource_not_found", "Not found"));
  }

  async function sendToken(res: ServerResponse, origin: string, sessionId: string, organizationId: string | null) {
    const impersonation = impersonations.get(sessionId);
    const userId = impersonation?.userId ?? `user_${sessionId.slice("sess_".length)}`;
    // A deleted user's session ends: Clerk answers it as a session it no longer has.
    if (!directory.userExists(userId)) return sendJson(res, 404, clerkErrors("resource_not_found", "No such session"));
    const membership = organizationId
      ? directory.membershipsOf(userId).find((m) => m.organization.id === organizationId)
      : undefined;
    if (organizationId && !membership)
      return sendJson(res, 404, clerkErrors("resource_not_found", "Not a member of this organization"));
    const jwt = await signSessionToken(
      { frontendApi: localFrontendApi(port()), privateKey: keys.privateKey, kid: LOCAL_KEY_ID },
      {
        userId,
        sessionId,
        azp: origin,
        ...(membership
          ? {
              org: {
                id: membership.organization.id,
                role: membership.role,
                ...(membership.organization.slug ? { slug: membership.organization.slug } : {}),
              },
            }
          : {}),
        ...(impersonation ? { actor: { sub: impersonation.actorId } } : {}),
      },
    );
    sendJson(res, 200, { object: "token", jwt });
  }

  async function answerDashboardForm(req: IncomingMessage, res: ServerResponse, path: string) {
    // The dashboard's own forms only: no other page may delete or impersonate someone through a browser.
    if (req.headers.origin !== url)
      return sendJson(res, 403, clerkErrors("origin_invalid", "Use the dashboard's forms"));
    const form = await readForm(req);
    if (!form) return sendJson(res, 413, clerkErrors("request_too_large", "The form is too large"));
    const [, kind, id, action] = path.split("/").slice(1);
    try {
      if (kind === "users" && id && action === "name") {
        const name = checkPersonName(form.get("first_name") ?? "", form.get("last_name") ?? "");
        if (typeof name === "string") return redirectToDashboard(res, { problem: name });
        directory.rename(id, name);
        return redirectToDashboard(res, { done: `Renamed to ${name.firstName} ${name.lastName}`.trim() });
      }
      if (kind === "users" && id && action === "delete") {
        directory.deleteUser(id);
        return redirectToDashboard(res, { done: `Deleted ${id}` });
      }
      if (kind === "users" && id && action === "impersonate") {
        if (!directory.userExists(id)) throw new LocalDirectoryError(`No user ${id}`);
        const ticket = newId("tkt");
        tickets.set(ticket, { userId: id, actorId: DASHBOARD_ACTOR_ID, expiresAt: Date.now() + TICKET_TTL_MS });
        res.writeHead(303, { Location: `${options.webOrigins[0]}/?__clerk_ticket=${ticket}` }).end();
        return;
      }
      if (kind === "organizations" && id && action === "members") {
        const role: MemberRole = form.get("role") === "org:admin" ? "org:admin" : "org:member";
        directory.addMember(id, form.get("user_id") ?? "", role);
        return redirectToDashboard(res, { done: "Member added" });
      }
    } catch (error) {
      if (error instanceof LocalDirectoryError) return redirectToDashboard(res, { problem: error.message });
      throw error;
    }
    sendJson(res, 404, clerkErrors("resource_not_found", "Not found"));
  }

  function sendDashboard(res: ServerResponse, notice: DashboardNotice | undefined) {
    const html = dashboardPage({ directory, deliveries, notice, webOrigin: options.webOrigins[0] ?? "" });
    res.writeHead(200, {
      "Content-Type": "text/html; charset=utf-8",
      "Cache-Control": "no-store",
      "Content-Security-Policy": `default-src 'none'; style-src 'unsafe-inline'; form-action 'self' ${options.webOrigins.join(" ")}; frame-ancestors 'none'`,
    });
    res.end(html);
  }

  /**
   * A page of the web app (its Referer names a web origin: browsers send the origin cross-origin), this
   * stand-in's own pages, or no browser page at all. Browsers send Sec-Fetch-Site with every request, so a
   * cross-site page that hides its Referer (referrerpolicy="no-referrer") is still told apart.
   */
  function isLoadedByTheWebApp(req: IncomingMessage): boolean {
    const referrerOrigin = originOf(req.headers.referer);
    if (referrerOrigin && (options.webOrigins.includes(referrerOrigin) || referrerOrigin === url)) return true;
    const site = req.headers["sec-fetch-site"];
    if (site === undefined) return referrerOrigin === undefined;
    return site === "same-origin" || site === "none";
  }

  const port = () => (server.address() as AddressInfo).port;
  const isAddressedToThisMachine = (host: string | undefined) =>
    host === `127.0.0.1:${port()}` || host === `localhost:${port()}`;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, "127.0.0.1", () => resolve());
  });
  url = `http://127.0.0.1:${port()}`;
  return {
    url,
    publishableKey: localPublishableKey(port()),
    secretKey: keys.secretKey,
    jwtKey: keys.publicKeyPem,
    webhookSigningSecret: keys.webhookSigningSecret,
    directory,
    webhooksSent: () => sending,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function fullName(user: { first_name?: string | null; last_name?: string | null; id: string }): string {
  return [user.first_name, user.last_name].filter(Boolean).join(" ") || user.id;
}

function originOf(referer: string | undefined): string | undefined {
  if (!referer) return undefined;
  try {
    return new URL(referer).origin;
  } catch {
    return undefined;
  }
}

function noticeFrom(req: IncomingMessage): DashboardNotice | undefined {
  const query = new URL(req.url ?? "/", "http://local").searchParams;
  const done = query.get("done");
  const problem = query.get("problem");
  return problem ? { problem } : done ? { done } : undefined;
}

function redirectToDashboard(res: ServerResponse, notice: DashboardNotice) {
  res.writeHead(303, { Location: `/?${new URLSearchParams(notice)}` }).end();
}

/** A urlencoded body, as the stand-in's forms and clerk-js send; undefined when over the limit. */
async function readForm(req: IncomingMessage): Promise<URLSearchParams | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) return undefined;
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

function sendScript(res: ServerResponse, body: string) {
  res.writeHead(200, { "Content-Type": "application/javascript; charset=utf-8", "Cache-Control": "no-store" });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "Content-Type": "application/json" });
  res.end(JSON.stringify(body));
}

/** Clerk's error body (ClerkErrors). */
function clerkErrors(code: string, message: string) {
  return { errors: [{ code, message, long_message: message, meta: {} }], clerk_trace_id: "clerk-local" };
}
