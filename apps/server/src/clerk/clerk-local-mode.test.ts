import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { localPublishableKey } from "@repo/clerk-local/server";
import { SettingsError } from "@repo/settings";
import { describe, expect, it } from "vitest";
import { readServerEnv } from "../env.ts";
import { createTestClerkInstance } from "../testing/clerk-session.ts";
import { startServerProcess } from "../testing/server-process.ts";
import { TEST_INNGEST_SIGNING_KEY, TEST_WEB_ORIGIN } from "../testing/test-server.ts";

const clerk = createTestClerkInstance();

describe("pnpm dev with no Clerk keys: local sign-in", () => {
  it("starts the stand-in, whose session tokens the server verifies: user.me answers for a seeded person", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "clerk-local-main-"));
    const server = startServerProcess({
      PGLITE_DATA_DIR: join(dataDir, "db"),
      CLERK_LOCAL_DATA_DIR: join(dataDir, "clerk-local"),
      WEB_ORIGIN: TEST_WEB_ORIGIN,
      // As a developer's shell has it: local mode itself must keep Clerk's SDK from reporting telemetry.
      CLERK_TELEMETRY_DISABLED: "",
    });
    try {
      const url = await server.listening;
      const dashboard = /Local Clerk dashboard: (http:\/\/127\.0\.0\.1:\d+)\//.exec(server.output())?.[1];
      expect(server.output()).toMatch(
        /Local sign-in: .*not Clerk.*set VITE_CLERK_PUBLISHABLE_KEY and CLERK_SECRET_KEY/,
      );
      if (!dashboard) throw new Error(`no dashboard URL in:\n${server.output()}`);
      // The token clerk-js would fetch from the stand-in's Frontend API, for the web app's origin.
      const tokenResponse = await fetch(`${dashboard}/v1/client/sessions/sess_2LocalGraceHopper0000000000/tokens`, {
        method: "POST",
        headers: { Origin: TEST_WEB_ORIGIN },
        body: new URLSearchParams({ organization_id: "" }),
      });
      expect(tokenResponse.status).toBe(200);
      const { jwt } = (await tokenResponse.json()) as { jwt: string };
      const me = await fetch(`${url}/api/trpc/user.me`, { headers: { Authorization: `Bearer ${jwt}` } });
      expect(me.status).toBe(200);
      expect(server.output()).not.toMatch(/Clerk collects telemetry/);
      expect(await me.json()).toMatchObject({
        result: { data: { json: { profile: { firstName: "Grace", email: "grace.hopper@example.com" } } } },
      });
      // Its keys were made on first run and kept in its folder, for the next start.
      const keys = JSON.parse(readFileSync(join(dataDir, "clerk-local", "keys.json"), "utf8"));
      expect(keys.webhookSigningSecret).toMatch(/^whsec_/);

      // Another origin cannot have a token minted for it.
      const forged = await fetch(`${dashboard}/v1/client/sessions/sess_2LocalGraceHopper0000000000/tokens`, {
        method: "POST",
        headers: { Origin: "http://evil.example" },
      });
      expect(forged.status).toBe(403);
    } finally {
      server.child.kill("SIGTERM");
      await server.exited;
    }
  });

  it("stays off once a Clerk key is set: the server verifies Clerk's tokens only", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "clerk-local-keys-"));
    const server = startServerProcess({
      PGLITE_DATA_DIR: join(dataDir, "db"),
      VITE_CLERK_PUBLISHABLE_KEY: clerk.publishableKey,
      CLERK_SECRET_KEY: clerk.secretKey,
    });
    try {
      await server.listening;
      expect(server.output()).not.toContain("Local sign-in");
      expect(server.output()).not.toContain("CLERK_PUBLISHABLE_KEY is not set");
    } finally {
      server.child.kill("SIGTERM");
      await server.exited;
    }
  });
});

describe("one key, pasted once", () => {
  it("the server takes VITE_CLERK_PUBLISHABLE_KEY when CLERK_PUBLISHABLE_KEY is unset, and CLERK_PUBLISHABLE_KEY over it", () => {
    expect(readServerEnv({ VITE_CLERK_PUBLISHABLE_KEY: clerk.publishableKey }).clerk.publishableKey).toBe(
      clerk.publishableKey,
    );
    const other = createTestClerkInstance("other-mole-7.clerk.accounts.dev").publishableKey;
    expect(
      readServerEnv({ VITE_CLERK_PUBLISHABLE_KEY: clerk.publishableKey, CLERK_PUBLISHABLE_KEY: other }).clerk
        .publishableKey,
    ).toBe(other);
  });
});

describe("production refuses local mode", () => {
  const production = {
    NODE_ENV: "production",
    DATABASE_URL: "postgres://app@db.internal:5432/app",
    CLERK_PUBLISHABLE_KEY: clerk.publishableKey,
    CLERK_SECRET_KEY: "sk_live_productionKeyForTheTest",
    CLERK_JWT_KEY: clerk.jwtKey,
    WEB_ORIGIN: "https://app.example.com",
    INNGEST_SIGNING_KEY: TEST_INNGEST_SIGNING_KEY,
  };
  const problemsOf = (env: Record<string, string>) => {
    try {
      readServerEnv(env);
    } catch (error) {
      if (error instanceof SettingsError) return error.problems;
      throw error;
    }
    return [];
  };

  it("starts with Clerk's settings (the baseline the refusals below change one thing of)", () => {
    expect(problemsOf(production)).toEqual([]);
  });

  it("refuses the stand-in's publishable key", () => {
    expect(problemsOf({ ...production, CLERK_PUBLISHABLE_KEY: localPublishableKey(3100) })).toEqual([
      expect.stringMatching(
        /^CLERK_PUBLISHABLE_KEY is the local Clerk stand-in's key \(its Frontend API is 127\.0\.0\.1:3100\)/,
      ),
    ]);
    expect(
      problemsOf({ ...production, CLERK_PUBLISHABLE_KEY: "", VITE_CLERK_PUBLISHABLE_KEY: localPublishableKey(3100) }),
    ).toEqual([expect.stringMatching(/^CLERK_PUBLISHABLE_KEY is the local Clerk stand-in's key/)]);
  });

  it("refuses the stand-in's URL as Clerk's Backend API", () => {
    expect(problemsOf({ ...production, CLERK_API_URL: "http://127.0.0.1:3100" })).toEqual([
      expect.stringMatching(/^CLERK_API_URL must use https: http:\/\/127\.0\.0\.1:3100 is not Clerk's Backend API/),
    ]);
  });

  it("refuses the stand-in's own settings", () => {
    expect(problemsOf({ ...production, CLERK_LOCAL_PORT: "3100", CLERK_LOCAL_DATA_DIR: "/srv/.data" })).toEqual([
      expect.stringMatching(/^CLERK_LOCAL_PORT is set: local sign-in .* is for development only/),
      expect.stringMatching(/^CLERK_LOCAL_DATA_DIR is set: /),
    ]);
  });

  it("builds a server bundle with none of the stand-in in it", () => {
    const serverDir = fileURLToPath(new URL("../..", import.meta.url));
    // Inside the package, as main.test.ts builds it, so the bundle's imports resolve.
    const buildDir = mkdtempSync(join(serverDir, "node_modules", ".test-build-"));
    try {
      execFileSync(process.execPath, ["build.mjs", join(buildDir, "main.js")], { cwd: serverDir });
      const bundle = readFileSync(join(buildDir, "main.js"), "utf8");
      // The bundle does hold the refusals above, which name the stand-in; none of its code.
      expect(bundle).toContain("is the local Clerk stand-in's key");
      // (main.ts's call to it stays, as `if (false)`: a name, not code.)
      for (const marker of [
        "@repo/clerk-local",
        "loadOrCreateLocalKeys",
        "createClerkApiStub",
        "__clerkStandIn",
        "Local Clerk dashboard",
      ])
        expect(bundle).not.toContain(marker);
    } finally {
      rmSync(buildDir, { recursive: true, force: true });
    }
  });
});
