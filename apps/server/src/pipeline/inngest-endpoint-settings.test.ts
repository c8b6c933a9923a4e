import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { clerkUserJson } from "@repo/clerk/testing";
import { userSyncRowFromClerk } from "@repo/clerk/users";
import { useTestDatabase } from "@repo/db/testing";
import { findUserById, upsertUsersFromClerk } from "@repo/db/users";
import { INNGEST_APP_ID } from "@repo/inngest/client";
import { pino } from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createAppFromSettings } from "../app-from-settings.ts";
import { readServerEnv } from "../env.ts";
import { createTestClerkInstance } from "../testing/clerk-session.ts";
import { driveInngestRun, signInngestRequest } from "../testing/inngest-stubs.ts";
import { TEST_INNGEST_SIGNING_KEY, TEST_WEBHOOK_SECRET } from "../testing/test-server.ts";
import { useListeningApp } from "../testing/use-test-server.ts";

const PUBLIC_ORIGIN = "https://app.example.com";
const MAX_BODY_BYTES = 64 * 1024;

/** Inngest's API as the app sees it when it registers: records each call, answers "registered". */
async function startInngestApiStub() {
  const calls: { method: string; path: string; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => {
      body += chunk;
    });
    req.on("end", () => {
      calls.push({ method: req.method ?? "", path: req.url ?? "", body });
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ status: 200, modified: true }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A PUT with a Host header of the caller's choosing (fetch does not let a caller set Host). */
function put(url: string, options: { host: string; headers?: Record<string, string>; body?: string }) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(url, { method: "PUT", headers: { ...options.headers, Host: options.host } }, (res) => {
      let body = "";
      res.on("data", (chunk) => {
        body += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end(options.body);
  });
}

describe("/api/inngest as production settings configure it", () => {
  beforeAll(() => {
    // What a .env copied from .env.example, or a stray variable on the host, would put in the process
    // environment. The SDK reads process.env itself on every request: it must not matter.
    vi.stubEnv("INNGEST_DEV", "1");
  });
  afterAll(() => {
    vi.unstubAllEnvs();
  });
  const t = useTestDatabase("pglite");
  let inngestApi: Awaited<ReturnType<typeof startInngestApiStub>>;
  beforeAll(async () => {
    inngestApi = await startInngestApiStub();
  });
  afterAll(() => inngestApi.close());
  const server = useListeningApp(() => {
    const clerk = createTestClerkInstance();
    const settings = readServerEnv({
      NODE_ENV: "production",
      DATABASE_URL: "postgres://app@db.internal/app",
      CLERK_PUBLISHABLE_KEY: clerk.publishableKey,
      CLERK_SECRET_KEY: clerk.secretKey,
      CLERK_JWT_KEY: clerk.jwtKey,
      CLERK_WEBHOOK_SIGNING_SECRET: TEST_WEBHOOK_SECRET,
      INNGEST_SIGNING_KEY: TEST_INNGEST_SIGNING_KEY,
      INNGEST_EVENT_KEY: "test-event-key",
      INNGEST_BASE_URL: inngestApi.url,
      WEB_ORIGIN: PUBLIC_ORIGIN,
      WEB_DIST_DIR: "",
      INNGEST_MAX_BODY_BYTES: String(MAX_BODY_BYTES),
      INNGEST_SYNC_BATCH_SIZE: "5",
      INNGEST_SYNC_BATCH_TIMEOUT_SECONDS: "30",
    });
    return createAppFromSettings(settings, { db: t.db, logger: pino({ level: "silent" }) });
  });
  afterEach(() => {
    inngestApi.calls.length = 0;
  });

  it("refuses an unsigned run of the tombstone function even with INNGEST_DEV in the process environment", async () => {
    const user = clerkUserJson();
    await upsertUsersFromClerk(t.db, [userSyncRowFromClerk(user)]);
    const result = await driveInngestRun({
      serveUrl: `${server.url}/api/inngest`,
      appId: INNGEST_APP_ID,
      functionId: "tombstone-clerk-user",
      event: { name: "clerk/user.deleted", data: { id: user.id, object: "user", deleted: true } },
      signingKey: undefined,
    });
    expect(result.status).toBe(401);
    expect((await findUserById(t.db, user.id))?.deleted_at).toBeNull();
  });

  it("refuses an unsigned sync (PUT), whatever Host it names, and registers nothing", async () => {
    const response = await put(`${server.url}/api/inngest`, { host: "attacker.example" });
    expect(response.status).toBe(401);
    expect(inngestApi.calls).toEqual([]);
  });

  it("refuses an unsigned introspection (GET)", async () => {
    const response = await fetch(`${server.url}/api/inngest`);
    expect(response.status).toBe(401);
  });

  it("answers the dashboard's signed in-band sync with the configured origin, not the URL in its body", async () => {
    const body = { url: "http://attacker.example/api/inngest" };
    const response = await put(`${server.url}/api/inngest`, {
      host: "attacker.example",
      headers: {
        "Content-Type": "application/json",
        "X-Inngest-Sync-Kind": "in_band",
        "X-Inngest-Signature": signInngestRequest(body, TEST_INNGEST_SIGNING_KEY),
      },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({ url: `${PUBLIC_ORIGIN}/api/inngest` });
    expect(response.body).not.toContain("attacker.example");
  });

  it("registers every sync function with the batch the settings ask for, under its persisted id", async () => {
    const body = { url: `${PUBLIC_ORIGIN}/api/inngest` };
    const response = await put(`${server.url}/api/inngest`, {
      host: new URL(PUBLIC_ORIGIN).host,
      headers: {
        "Content-Type": "application/json",
        "X-Inngest-Sync-Kind": "in_band",
        "X-Inngest-Signature": signInngestRequest(body, TEST_INNGEST_SIGNING_KEY),
      },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(200);
    const { functions } = JSON.parse(response.body) as { functions: Array<{ id: string; batchEvents?: unknown }> };
    const batchOf = new Map(functions.map((fn) => [fn.id.replace(`${INNGEST_APP_ID}-`, ""), fn.batchEvents]));
    for (const id of [
      "upsert-clerk-user",
      "tombstone-clerk-user",
      "upsert-clerk-organization",
      "tombstone-clerk-organization",
      "upsert-clerk-membership",
      "tombstone-clerk-membership",
    ]) {
      expect(batchOf.get(id), id).toEqual({ maxSize: 5, timeout: "30s" });
    }
  });

  it("answers 413 to a signed run over INNGEST_MAX_BODY_BYTES, and runs nothing", async () => {
    const user = clerkUserJson({ public_metadata: { padding: "x".repeat(MAX_BODY_BYTES) } });
    const result = await driveInngestRun({
      serveUrl: `${server.url}/api/inngest`,
      appId: INNGEST_APP_ID,
      functionId: "upsert-clerk-user",
      event: { name: "clerk/user.created", data: user },
      signingKey: TEST_INNGEST_SIGNING_KEY,
    });
    expect(result.status).toBe(413);
    expect(await findUserById(t.db, user.id)).toBeUndefined();
  });
});
