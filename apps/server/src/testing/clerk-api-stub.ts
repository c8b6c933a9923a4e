import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { ClerkUserJson } from "@repo/db/users";

/**
 * A loopback stand-in for the slice of Clerk's Backend API this app calls, reached through the Clerk
 * client's `apiUrl`. It answers with Clerk's JSON shapes and error format, and records each request.
 */
export type ClerkApiStub = {
  url: string;
  users: Map<string, ClerkUserJson>;
  requests: string[];
  /** Makes the next `count` requests fail with this status (429 carries Retry-After: retryAfterSeconds). */
  failNext(count: number, status: number, retryAfterSeconds?: number): void;
  close(): Promise<void>;
};

export async function startClerkApiStub(): Promise<ClerkApiStub> {
  const users = new Map<string, ClerkUserJson>();
  const requests: string[] = [];
  let failures: { remaining: number; status: number; retryAfter: number | undefined } = {
    remaining: 0,
    status: 500,
    retryAfter: undefined,
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://stub");
    requests.push(`${req.method} ${url.pathname}${url.search}`);
    if (failures.remaining > 0) {
      failures.remaining -= 1;
      if (failures.retryAfter !== undefined) res.setHeader("Retry-After", String(failures.retryAfter));
      return sendError(res, failures.status, failures.status === 429 ? "too_many_requests" : "internal_error");
    }
    const userMatch = url.pathname.match(/^\/v1\/users\/([^/]+)$/);
    if (req.method === "GET" && userMatch) {
      const user = users.get(decodeURIComponent(userMatch[1] ?? ""));
      return user ? sendJson(res, 200, user) : sendError(res, 404, "resource_not_found");
    }
    if (req.method === "GET" && url.pathname === "/v1/users") {
      const limit = Number(url.searchParams.get("limit") ?? 10);
      const offset = Number(url.searchParams.get("offset") ?? 0);
      const orderBy = url.searchParams.get("order_by") ?? "-created_at";
      const all = [...users.values()].sort((a, b) => compareBy(orderBy, a, b));
      return sendJson(res, 200, { data: all.slice(offset, offset + limit), total_count: all.length });
    }
    sendError(res, 404, "resource_not_found");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    users,
    requests,
    failNext(count, status, retryAfterSeconds) {
      failures = { remaining: count, status, retryAfter: retryAfterSeconds };
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function compareBy(orderBy: string, a: ClerkUserJson, b: ClerkUserJson): number {
  const descending = orderBy.startsWith("-");
  const field = orderBy.replace(/^[-+]/, "") === "created_at" ? "created_at" : "updated_at";
  const difference = a[field] - b[field] || a.id.localeCompare(b.id);
  return descending ? -difference : difference;
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
