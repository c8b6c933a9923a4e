import { SettingsError } from "@repo/settings";
import { describe, expect, it } from "vitest";
import { readServerEnv } from "./env.ts";
import { createTestClerkInstance } from "./testing/clerk-session.ts";

const production = {
  NODE_ENV: "production",
  DATABASE_URL: "postgres://app:s3cret@db.internal:5432/app",
  CLERK_PUBLISHABLE_KEY: "pk_live_Y2xlcmsuZXhhbXBsZS5jb20k",
  CLERK_SECRET_KEY: "sk_live_topsecretvalue",
  CLERK_JWT_KEY: createTestClerkInstance().jwtKey,
  CLERK_WEBHOOK_SIGNING_SECRET: "whsec_c2VjcmV0",
  INNGEST_SIGNING_KEY: "signkey-prod-abc123",
  INNGEST_EVENT_KEY: "event-key-value",
  WEB_ORIGIN: "https://app.example.com, https://www.example.com",
};

/** The problems readServerEnv names for these settings, one string each. */
function problemsOf(settings: Record<string, string | undefined>): string[] {
  try {
    readServerEnv(settings);
  } catch (error) {
    if (error instanceof SettingsError) return error.problems;
    throw error;
  }
  return [];
}

describe("readServerEnv", () => {
  it("starts in development with nothing set", () => {
    const env = readServerEnv({});
    expect(env).toMatchObject({
      nodeEnv: "development",
      port: 3000,
      host: "localhost",
      databaseUrl: undefined,
      webOrigins: ["http://localhost:5173"],
      inngest: { isDev: false, serveOrigin: undefined },
    });
    expect(env.clerk.publishableKey).toBeUndefined();
  });

  it("reads a complete production environment, registering with Inngest at the web origin", () => {
    const env = readServerEnv(production);
    expect(problemsOf(production)).toEqual([]);
    expect(env.host).toBeUndefined();
    expect(env.webOrigins).toEqual(["https://app.example.com", "https://www.example.com"]);
    expect(env.clerk.secretKey).toBe("sk_live_topsecretvalue");
    expect(env.inngest).toMatchObject({
      isDev: false,
      signingKey: "signkey-prod-abc123",
      eventKey: "event-key-value",
      serveOrigin: "https://app.example.com",
    });
    expect(readServerEnv({ ...production, INNGEST_SERVE_ORIGIN: "https://api.example.com" }).inngest.serveOrigin).toBe(
      "https://api.example.com",
    );
  });

  it.each([
    ["CLERK_SECRET_KEY", { CLERK_SECRET_KEY: "" }, /^CLERK_SECRET_KEY is not set: copy it from the Clerk dashboard/],
    ["DATABASE_URL", { DATABASE_URL: "" }, /^DATABASE_URL is not set/],
    ["INNGEST_SIGNING_KEY", { INNGEST_SIGNING_KEY: "" }, /^INNGEST_SIGNING_KEY is not set: .*Manage > Signing Key/],
    ["CLERK_JWT_KEY", { CLERK_JWT_KEY: " " }, /^CLERK_JWT_KEY is not set: .*JWT public key/],
    ["WEB_ORIGIN", { WEB_ORIGIN: undefined }, /^WEB_ORIGIN is not set/],
    [
      "INNGEST_EVENT_KEY while the webhook route is on",
      { INNGEST_EVENT_KEY: "" },
      /^INNGEST_EVENT_KEY is not set: \/api\/webhooks\/clerk .*Manage > Event Keys/,
    ],
  ])("names the missing %s in one line", (_name, override, message) => {
    const [problem] = problemsOf({ ...production, ...override });
    expect(problem).toMatch(message);
  });

  it("does not need INNGEST_EVENT_KEY when Clerk sends to Inngest directly (no webhook secret)", () => {
    expect(problemsOf({ ...production, CLERK_WEBHOOK_SIGNING_SECRET: "", INNGEST_EVENT_KEY: "" })).toEqual([]);
  });

  it.each(["1", "true", "0", "false", "no", "http://localhost:8288"])(
    "refuses INNGEST_DEV=%s in production, whatever its value, and keeps the signing key required",
    (value) => {
      const problems = problemsOf({ ...production, INNGEST_DEV: value, INNGEST_SIGNING_KEY: "" });
      expect(problems).toEqual([
        expect.stringMatching(/^INNGEST_DEV is set: production never runs Inngest in dev mode/),
        expect.stringMatching(/^INNGEST_SIGNING_KEY is not set/),
      ]);
    },
  );

  it("counts an empty INNGEST_DEV as unset", () => {
    expect(problemsOf({ ...production, INNGEST_DEV: "" })).toEqual([]);
    expect(readServerEnv({ INNGEST_DEV: " " }).inngest.isDev).toBe(false);
  });

  it("reads INNGEST_DEV in development as the SDK does, but refuses words it would misread", () => {
    expect(readServerEnv({ INNGEST_DEV: "1" }).inngest).toMatchObject({ isDev: true, baseUrl: undefined });
    expect(readServerEnv({ INNGEST_DEV: "FALSE" }).inngest.isDev).toBe(false);
    expect(readServerEnv({ INNGEST_DEV: "http://127.0.0.1:8288" }).inngest).toMatchObject({
      isDev: true,
      baseUrl: "http://127.0.0.1:8288",
    });
    expect(problemsOf({ INNGEST_DEV: "no" })).toEqual([expect.stringMatching(/^INNGEST_DEV must be 1, 0, or/)]);
  });

  it.each([
    ["http outside localhost", "http://app.example.com", /^WEB_ORIGIN must use https outside localhost/],
    ["an origin with a path", "https://app.example.com/app", /must be an origin without a path/],
  ])("refuses a WEB_ORIGIN with %s", (_name, origin, message) => {
    expect(problemsOf({ ...production, WEB_ORIGIN: origin })).toEqual([expect.stringMatching(message)]);
  });

  it("accepts http on localhost in production (a local production build) and normalises origins", () => {
    const env = readServerEnv({ ...production, WEB_ORIGIN: "http://localhost:3000/" });
    expect(env.webOrigins).toEqual(["http://localhost:3000"]);
  });

  it("lists every production problem at once, one line each", () => {
    const problems = problemsOf({ NODE_ENV: "production", INNGEST_DEV: "1" });
    expect(problems.map((p) => p.split(" ")[0])).toEqual([
      "DATABASE_URL",
      "CLERK_PUBLISHABLE_KEY",
      "CLERK_SECRET_KEY",
      "CLERK_JWT_KEY",
      "WEB_ORIGIN",
      "INNGEST_DEV",
      "INNGEST_SIGNING_KEY",
    ]);
  });

  it("in production, names malformed settings and production's own rules in one round", () => {
    let refusal: SettingsError | undefined;
    try {
      readServerEnv({ NODE_ENV: "production", PORT: "eighty", WEB_ORIGIN: "app.example.com", INNGEST_DEV: "1" });
    } catch (error) {
      if (error instanceof SettingsError) refusal = error;
    }
    expect(refusal?.heading).toBe("Invalid, missing or unsafe production settings:");
    // WEB_ORIGIN is named once, for what is wrong with it, not also as "not set".
    expect(refusal?.problems.map((p) => p.split(" ")[0])).toEqual([
      "PORT",
      "WEB_ORIGIN",
      "DATABASE_URL",
      "CLERK_PUBLISHABLE_KEY",
      "CLERK_SECRET_KEY",
      "CLERK_JWT_KEY",
      "INNGEST_DEV",
      "INNGEST_SIGNING_KEY",
    ]);
  });

  it("names an origin of WEB_ORIGIN by its place in the list, with an https example", () => {
    expect(problemsOf({ WEB_ORIGIN: "app.example.com" })).toEqual([
      "WEB_ORIGIN (first origin) must be an origin such as https://app.example.com",
    ]);
    expect(problemsOf({ WEB_ORIGIN: "http://localhost:5173, http://app.example.com/app" })).toEqual([
      expect.stringMatching(
        /^WEB_ORIGIN \(second origin\) must be an origin without a path, such as https:\/\/app\.example\.com:/,
      ),
    ]);
  });

  it.each([
    [
      "a secret key in the publishable slot",
      { CLERK_PUBLISHABLE_KEY: "sk_live_oops" },
      /CLERK_PUBLISHABLE_KEY must start with pk_/,
    ],
    ["a port that is not a number", { PORT: "eighty" }, /PORT/],
    ["an origin that is not a URL", { WEB_ORIGIN: "app.example.com" }, /WEB_ORIGIN/],
  ])("rejects %s without echoing the value", (_name, override, message) => {
    expect(() => readServerEnv({ ...production, ...override })).toThrow(message);
    expect(() => readServerEnv({ ...production, ...override })).not.toThrow(/sk_live_oops|s3cret|topsecret/);
  });

  it("takes the operators from OPERATOR_USER_IDS, spaces allowed; unset or empty is nobody", () => {
    expect(readServerEnv({}).operatorUserIds).toEqual([]);
    expect(readServerEnv({ OPERATOR_USER_IDS: " , " }).operatorUserIds).toEqual([]);
    expect(readServerEnv({ OPERATOR_USER_IDS: " user_2Ada , user_2Grace,," }).operatorUserIds).toEqual([
      "user_2Ada",
      "user_2Grace",
    ]);
    // An email address or an organization id would silently make nobody an operator: refused, by name.
    expect(problemsOf({ OPERATOR_USER_IDS: "user_2Ada, ada@example.org" })).toEqual([
      expect.stringMatching(/^OPERATOR_USER_IDS.*is not a Clerk user id/),
    ]);
  });

  it("turns /metrics on with a METRICS_TOKEN of 32 characters or more, never echoing it", () => {
    expect(readServerEnv({}).metricsToken).toBeUndefined();
    expect(readServerEnv({ METRICS_TOKEN: "m".repeat(32) }).metricsToken).toBe("m".repeat(32));
    const problems = problemsOf({ METRICS_TOKEN: "short-secret" });
    expect(problems).toEqual([expect.stringMatching(/^METRICS_TOKEN must be at least 32 characters/)]);
    expect(problems.join("\n")).not.toContain("short-secret");
  });

  it("counts empty NODE_ENV, PORT and LOG_LEVEL as unset", () => {
    expect(readServerEnv({ NODE_ENV: "", PORT: " ", LOG_LEVEL: "" })).toMatchObject({
      nodeEnv: "development",
      port: 3000,
      logLevel: "info",
    });
  });

  it("refuses a CLERK_JWT_KEY that is not a public key, instead of signing every user out", () => {
    const broken = "-----BEGIN PUBLIC KEY-----\\nnot a key\\n-----END PUBLIC KEY-----";
    expect(problemsOf({ ...production, CLERK_JWT_KEY: broken })).toEqual([
      expect.stringMatching(/^CLERK_JWT_KEY must be a PEM public key/),
    ]);
    const oneLine = production.CLERK_JWT_KEY.replaceAll("\n", "\\n");
    expect(readServerEnv({ ...production, CLERK_JWT_KEY: oneLine }).clerk.jwtKey).toBe(production.CLERK_JWT_KEY);
  });

  it("refuses in production the INNGEST_* variables Inngest's SDK would read on its own", () => {
    expect(
      problemsOf({ ...production, INNGEST_API_BASE_URL: "http://elsewhere.example", INNGEST_STREAMING: "true" }),
    ).toEqual([
      expect.stringMatching(/^INNGEST_API_BASE_URL is set, but this server does not read it/),
      expect.stringMatching(/^INNGEST_STREAMING is set, but this server does not read it/),
    ]);
    expect(problemsOf({ ...production, INNGEST_STREAMING: "" })).toEqual([]);
    expect(problemsOf({ ...production, INNGEST_BASE_URL: "http://inngest.internal:8288" })).toEqual([
      expect.stringMatching(/^INNGEST_BASE_URL must use https outside localhost/),
    ]);
  });

  it("takes the largest body /api/inngest reads, 4 MiB (what Inngest sends at most) unless told otherwise", () => {
    expect(readServerEnv(production).inngest.maxBodyBytes).toBe(4 * 1024 * 1024);
    expect(readServerEnv({ ...production, INNGEST_MAX_BODY_BYTES: "1048576" }).inngest.maxBodyBytes).toBe(1048576);
    expect(problemsOf({ ...production, INNGEST_MAX_BODY_BYTES: "4mb" })).toEqual([
      expect.stringMatching(/^INNGEST_MAX_BODY_BYTES must be a whole number of bytes/),
    ]);
  });

  it("batches the sync functions' events 100 at a time within 5 s unless told otherwise, and refuses a size no plan has", () => {
    expect(readServerEnv(production).inngest.syncBatching).toEqual({ maxSize: 100, timeout: "5s" });
    const onFreePlan = { ...production, INNGEST_SYNC_BATCH_SIZE: "5", INNGEST_SYNC_BATCH_TIMEOUT_SECONDS: "30" };
    expect(readServerEnv(onFreePlan).inngest.syncBatching).toEqual({ maxSize: 5, timeout: "30s" });
    expect(
      problemsOf({ ...production, INNGEST_SYNC_BATCH_SIZE: "0", INNGEST_SYNC_BATCH_TIMEOUT_SECONDS: "5m" }),
    ).toEqual([
      expect.stringMatching(/^INNGEST_SYNC_BATCH_SIZE must be a whole number of events from 1 to 1000/),
      expect.stringMatching(/^INNGEST_SYNC_BATCH_TIMEOUT_SECONDS must be a whole number of seconds/),
    ]);
  });

  it("reports a bad database setting like its own, one line naming it", () => {
    expect(problemsOf({ DATABASE_STATEMENT_TIMEOUT_MS: "soon" })).toEqual([
      expect.stringMatching(/^DATABASE_STATEMENT_TIMEOUT_MS must be a whole number of milliseconds/),
    ]);
  });

  it("takes the reconciliation's tombstone limit, 10% and 10 users unless told otherwise", () => {
    expect(readServerEnv({}).reconcileTombstoneLimit).toEqual({ share: 0.1, minCount: 10 });
    expect(
      readServerEnv({ RECONCILE_MAX_TOMBSTONE_SHARE: "0.5", RECONCILE_MAX_TOMBSTONE_MIN_COUNT: "100" })
        .reconcileTombstoneLimit,
    ).toEqual({ share: 0.5, minCount: 100 });
    expect(problemsOf({ RECONCILE_MAX_TOMBSTONE_SHARE: "10%" })).toEqual([
      expect.stringMatching(/^RECONCILE_MAX_TOMBSTONE_SHARE must be a fraction from 0 to 1/),
    ]);
  });

  it("takes a reconciliation schedule, with or without a time zone, and rejects one that is not cron", () => {
    expect(readServerEnv({ RECONCILE_CRON: "TZ=Europe/Paris 0 3 * * *" }).reconcileSchedule).toBe(
      "TZ=Europe/Paris 0 3 * * *",
    );
    expect(() => readServerEnv({ RECONCILE_CRON: "daily" })).toThrow(/RECONCILE_CRON must be a five-field cron/);
  });

  it("takes the reconciliation's pace from the settings, where given (the key's kind decides the rest)", () => {
    expect(readServerEnv({}).reconcilePaceOverrides).toEqual({ requests: undefined, windowMs: undefined });
    expect(
      readServerEnv({ RECONCILE_CLERK_REQUEST_LIMIT: "50", RECONCILE_CLERK_REQUEST_WINDOW_MS: "2000" })
        .reconcilePaceOverrides,
    ).toEqual({ requests: 50, windowMs: 2000 });
    expect(problemsOf({ RECONCILE_CLERK_REQUEST_LIMIT: "0" })).toEqual([
      expect.stringMatching(/^RECONCILE_CLERK_REQUEST_LIMIT must be a whole number of requests, at least 1/),
    ]);
  });

  it("pulls from Clerk in development unless Inngest dev mode is on or it is turned off, and never in production", () => {
    expect(readServerEnv({}).clerkPull).toEqual({
      isOn: true,
      requested: false,
      incrementalMs: 10_000,
      fullMs: 300_000,
    });
    expect(readServerEnv({ INNGEST_DEV: "1" }).clerkPull.isOn).toBe(false);
    expect(readServerEnv({ RECONCILE_PULL: "off" }).clerkPull.isOn).toBe(false);
    expect(
      readServerEnv({ RECONCILE_PULL_INCREMENTAL_MS: "2000", RECONCILE_PULL_FULL_MS: "60000" }).clerkPull,
    ).toMatchObject({ incrementalMs: 2000, fullMs: 60_000 });
    expect(readServerEnv(production).clerkPull.isOn).toBe(false);
    expect(problemsOf({ ...production, RECONCILE_PULL: "on" })).toEqual([
      expect.stringMatching(/^RECONCILE_PULL=on: the server's own pull from Clerk is for development/),
    ]);
    expect(problemsOf({ RECONCILE_PULL: "yes" })).toEqual([expect.stringMatching(/^RECONCILE_PULL must be on or off/)]);
  });

  it("takes the incremental reconciliation's schedule, or off", () => {
    expect(readServerEnv({}).reconcileIncrementalSchedule).toBeUndefined();
    expect(readServerEnv({ RECONCILE_INCREMENTAL_CRON: "*/15 * * * *" }).reconcileIncrementalSchedule).toBe(
      "*/15 * * * *",
    );
    expect(readServerEnv({ RECONCILE_INCREMENTAL_CRON: "off" }).reconcileIncrementalSchedule).toBeNull();
    expect(problemsOf({ RECONCILE_INCREMENTAL_CRON: "never" })).toEqual([
      expect.stringMatching(/^RECONCILE_INCREMENTAL_CRON must be a five-field cron expression .* or off/),
    ]);
  });

  it("still reads the reconciliation's settings by their old users-only names, and says so in one line", () => {
    const env = readServerEnv({
      USERS_RECONCILE_CRON: "0 4 * * *",
      USERS_RECONCILE_MAX_TOMBSTONE_SHARE: "0.5",
      USERS_RECONCILE_MAX_TOMBSTONE_MIN_USERS: "100",
    });
    expect(env.reconcileSchedule).toBe("0 4 * * *");
    expect(env.reconcileTombstoneLimit).toEqual({ share: 0.5, minCount: 100 });
    expect(env.deprecation).toBe(
      "Deprecated setting names (they cover users, organizations and memberships now): " +
        "USERS_RECONCILE_CRON is now RECONCILE_CRON, USERS_RECONCILE_MAX_TOMBSTONE_SHARE is now " +
        "RECONCILE_MAX_TOMBSTONE_SHARE, USERS_RECONCILE_MAX_TOMBSTONE_MIN_USERS is now " +
        "RECONCILE_MAX_TOMBSTONE_MIN_COUNT. The old names still work; rename them.",
    );
    expect(readServerEnv({ USERS_RECONCILE_CRON: "0 4 * * *", RECONCILE_CRON: "0 5 * * *" }).reconcileSchedule).toBe(
      "0 5 * * *",
    );
    expect(readServerEnv({}).deprecation).toBeUndefined();
    expect(() => readServerEnv({ USERS_RECONCILE_CRON: "daily" })).toThrow(/USERS_RECONCILE_CRON must be a five-field/);
  });
});
