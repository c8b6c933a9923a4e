import { Writable } from "node:stream";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { createTestClerkInstance, signSessionToken } from "../testing/clerk-session.ts";
import { signClerkWebhook } from "../testing/clerk-webhooks.ts";
import { startTestServerWithDatabase, TEST_WEB_ORIGIN, TEST_WEBHOOK_SECRET } from "../testing/test-server.ts";

describe("request logs and HTTP hygiene", () => {
  it("log one line per request with a request id, and never a token, cookie or signature", async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const clerk = createTestClerkInstance();
    const server = await startTestServerWithDatabase({ clerk, logger: pino({ level: "info" }, sink) });
    try {
      const token = await signSessionToken(clerk, { userId: "user_logged", azp: TEST_WEB_ORIGIN });
      const response = await fetch(`${server.url}/api/trpc/user.me?input=secret-query`, {
        headers: { Authorization: `Bearer ${token}`, Cookie: "__session=cookie-value", "X-Request-Id": "req-123" },
      });
      expect(response.headers.get("x-request-id")).toBe("req-123");
      const delivery = signClerkWebhook({ type: "session.created", data: { id: "sess_1" } });
      await fetch(`${server.url}/api/webhooks/clerk`, {
        method: "POST",
        headers: delivery.headers,
        body: delivery.body,
      });

      const log = lines.join("");
      expect(log).toContain('"id":"req-123"');
      expect(log).toContain('"path":"/api/trpc/user.me"');
      for (const secret of [
        token,
        "cookie-value",
        delivery.headers["svix-signature"],
        TEST_WEBHOOK_SECRET,
        "secret-query",
      ]) {
        expect(log).not.toContain(secret);
      }
    } finally {
      await server.close();
    }
  });

  it("name the impersonator and the user acted as on an impersonated request, and nobody on others", async () => {
    const lines: string[] = [];
    const clerk = createTestClerkInstance();
    const logger = pino({ level: "info" }, { write: (line: string) => lines.push(line) });
    const server = await startTestServerWithDatabase({ clerk, logger });
    try {
      const impersonated = await signSessionToken(clerk, {
        userId: "user_customer",
        azp: TEST_WEB_ORIGIN,
        actor: { sub: "user_support" },
      });
      const own = await signSessionToken(clerk, { userId: "user_customer", azp: TEST_WEB_ORIGIN });
      for (const [token, requestId] of [
        [impersonated, "req-impersonated"],
        [own, "req-own"],
      ] as const) {
        await fetch(`${server.url}/api/trpc/auth.whoami`, {
          headers: { Authorization: `Bearer ${token}`, "X-Request-Id": requestId },
        });
      }
      const entries = lines.map((line) => JSON.parse(line));
      const entryOf = (id: string) => entries.find((entry) => entry.req?.id === id);
      expect(entryOf("req-impersonated")).toMatchObject({ actorId: "user_support", userId: "user_customer" });
      expect(entryOf("req-own")).toBeDefined();
      expect(entryOf("req-own")).not.toHaveProperty("actorId");
      expect(entryOf("req-own")).not.toHaveProperty("userId");
      expect(lines.join("")).not.toContain(impersonated);
    } finally {
      await server.close();
    }
  });

  it("allow CORS only from the web origin, and send helmet's headers", async () => {
    const server = await startTestServerWithDatabase({ clerk: createTestClerkInstance() });
    try {
      const allowed = await fetch(`${server.url}/api/trpc/user.me`, { headers: { Origin: TEST_WEB_ORIGIN } });
      expect(allowed.headers.get("access-control-allow-origin")).toBe(TEST_WEB_ORIGIN);
      const other = await fetch(`${server.url}/api/trpc/user.me`, { headers: { Origin: "https://evil.example" } });
      expect(other.headers.get("access-control-allow-origin")).toBeNull();
      expect(allowed.headers.get("x-content-type-options")).toBe("nosniff");
    } finally {
      await server.close();
    }
  });
});
