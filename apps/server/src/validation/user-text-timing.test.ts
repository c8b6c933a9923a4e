import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestClerkInstance, signSessionToken } from "../testing/clerk-session.ts";
import { type ServerProcess, startServerProcess } from "../testing/server-process.ts";
import { TEST_WEB_ORIGIN } from "../testing/test-server.ts";
import { callTrpc } from "../testing/trpc-http.ts";
import { TRPC_MAX_BODY_BYTES } from "../trpc/limits.ts";

/**
 * Generous: these requests take a few milliseconds. The quadratic check they guard against took 1.4 s for
 * 10 kB of combining marks and 81 s for 100 kB, with every other request waiting behind it.
 */
const MAX_REQUEST_MS = 500;
/** How long a load balancer's probe may take before it gives up on the server (health.ts answers within 2 s). */
const MAX_HEALTH_MS = 2_000;

/** Every text field people type for others to read, and who may write it. */
const FIELDS = [
  { path: "user.updateProfile", field: "displayName", caller: "user" },
  { path: "user.updateProfile", field: "bio", caller: "user" },
  { path: "org.updateProfile", field: "description", caller: "admin" },
] as const;

/** Inputs that made a pattern rescan what came before, or that ask the checks to look ahead over a run. */
const ADVERSARIAL = [
  { name: "combining marks", start: "", repeated: "\u0301" },
  { name: "combining marks after an Arabic letter", start: "\u0628", repeated: "\u064E" },
  { name: "marks then a joiner after an Arabic letter", start: "\u0628", repeated: "\u064E\u064E\u200D" },
  { name: "non-joiners between Persian letters", start: "", repeated: "\u0645\u06CC\u200C" },
  { name: "joiners after a Devanagari virama", start: "", repeated: "\u0915\u094D\u200D" },
  { name: "variation selectors", start: "", repeated: "\uFE0F" },
  { name: "styled emoji", start: "", repeated: "\u2764\uFE0F" },
  { name: "emoji joined by ZWJ", start: "", repeated: "👩\u200D💻\u200D" },
  { name: "an unended subdivision flag", start: "\u{1F3F4}", repeated: "\u{E0067}" },
  { name: "subdivision flags", start: "", repeated: "\u{1F3F4}\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}" },
  { name: "blank braille patterns", start: "", repeated: "\u2800" },
] as const;

/** `start` then `repeated` as often as fits in the largest body tRPC takes, as the web app's client sends it. */
function largestBody(field: string, { start, repeated }: { start: string; repeated: string }): string {
  const bodyOf = (text: string) => JSON.stringify(superjson.serialize({ [field]: text }));
  const bytesPerRepeat = Buffer.byteLength(JSON.stringify(repeated)) - 2; // without its quotes
  const times = Math.floor((TRPC_MAX_BODY_BYTES - Buffer.byteLength(bodyOf(start))) / bytesPerRepeat);
  return bodyOf(start + repeated.repeat(times));
}

describe("profile and organization text, at the largest body, checked by the server process over HTTP", () => {
  const clerk = createTestClerkInstance();
  const dataDir = mkdtempSync(join(tmpdir(), "pglite-text-timing-"));
  let server: ServerProcess;
  let url: string;
  const tokens = { user: "", admin: "" };

  beforeAll(async () => {
    // A process of its own, as deployed: a check that holds the event loop would hold up this test's
    // clock and client too if the server ran in the test's process.
    server = startServerProcess({
      PGLITE_DATA_DIR: join(dataDir, "db"),
      CLERK_PUBLISHABLE_KEY: clerk.publishableKey,
      CLERK_SECRET_KEY: clerk.secretKey,
      CLERK_JWT_KEY: clerk.jwtKey,
      WEB_ORIGIN: TEST_WEB_ORIGIN,
    });
    url = await server.listening;
    tokens.user = await signSessionToken(clerk, {
      userId: "user_attacker",
      azp: TEST_WEB_ORIGIN,
      expiresInSeconds: 600,
    });
    tokens.admin = await signSessionToken(clerk, {
      userId: "user_attacker",
      azp: TEST_WEB_ORIGIN,
      expiresInSeconds: 600,
      org: { id: "org_attacker", role: "org:admin" },
    });
    // Warm up session verification and each procedure, so the bound measures the check alone.
    for (const { path, field, caller } of FIELDS) {
      await callTrpc(url, path, { token: tokens[caller], type: "mutation", input: { [field]: 7 } });
    }
  });
  afterAll(async () => {
    // SIGKILL: a server stuck in a check would finish it before it handled SIGTERM.
    server?.child.kill("SIGKILL");
    await server?.exited;
    rmSync(dataDir, { recursive: true, force: true });
  });

  const cases = FIELDS.flatMap((target) => ADVERSARIAL.map((input) => ({ ...target, input })));

  it.each(cases)(
    `$path refuses $input.name in $field with 400 within ${MAX_REQUEST_MS} ms`,
    async ({ path, field, caller, input }) => {
      const rawBody = largestBody(field, input);
      expect(Buffer.byteLength(rawBody)).toBeGreaterThan(TRPC_MAX_BODY_BYTES - 64);

      const started = performance.now();
      const response = await callTrpc(url, path, {
        token: tokens[caller],
        type: "mutation",
        rawBody,
        signal: AbortSignal.timeout(10 * MAX_REQUEST_MS),
      });
      const elapsed = performance.now() - started;

      expect(response.status).toBe(400);
      expect(response.error?.data.fieldErrors?.[field]?.[0]).toMatch(/at most \d+ characters/);
      expect(elapsed).toBeLessThan(MAX_REQUEST_MS);
    },
  );

  it(`/healthz, asked while the worst input is in flight, answers within ${MAX_HEALTH_MS} ms`, async () => {
    const worst = callTrpc(url, "user.updateProfile", {
      token: tokens.user,
      type: "mutation",
      rawBody: largestBody("bio", { start: "", repeated: "\u0301" }),
      signal: AbortSignal.timeout(20 * MAX_HEALTH_MS),
    }).then(
      (response) => response.status,
      () => "no answer",
    );
    // Long enough for the server to have read the body and started on it, short of any check the old
    // quadratic one took on this input (81 s).
    await new Promise((resolve) => setTimeout(resolve, 250));

    const started = performance.now();
    const health = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5 * MAX_HEALTH_MS) });
    const elapsed = performance.now() - started;

    expect(health.status).toBe(200);
    expect(elapsed).toBeLessThan(MAX_HEALTH_MS);
    expect(await worst).toBe(400);
  });
});
