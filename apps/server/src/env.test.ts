import { describe, expect, it } from "vitest";
import { readServerEnv } from "./env.ts";

const production = {
  NODE_ENV: "production",
  DATABASE_URL: "postgres://app:s3cret@db.internal:5432/app",
  CLERK_PUBLISHABLE_KEY: "pk_live_Y2xlcmsuZXhhbXBsZS5jb20k",
  CLERK_SECRET_KEY: "sk_live_topsecretvalue",
  CLERK_WEBHOOK_SIGNING_SECRET: "whsec_c2VjcmV0",
  INNGEST_SIGNING_KEY: "signkey-prod-abc123",
  WEB_ORIGIN: "https://app.example.com, https://www.example.com",
};

describe("readServerEnv", () => {
  it("starts in development with nothing set", () => {
    const env = readServerEnv({});
    expect(env).toMatchObject({
      nodeEnv: "development",
      port: 3000,
      databaseUrl: undefined,
      webOrigins: ["http://localhost:5173"],
    });
    expect(env.clerk.publishableKey).toBeUndefined();
  });

  it("reads a complete production environment", () => {
    const env = readServerEnv(production);
    expect(env.webOrigins).toEqual(["https://app.example.com", "https://www.example.com"]);
    expect(env.clerk.secretKey).toBe("sk_live_topsecretvalue");
  });

  it.each([
    ["CLERK_SECRET_KEY", { CLERK_SECRET_KEY: "" }, /CLERK_SECRET_KEY is not set: copy it from the Clerk dashboard/],
    ["DATABASE_URL", { DATABASE_URL: "" }, /DATABASE_URL is not set/],
    ["INNGEST_SIGNING_KEY", { INNGEST_SIGNING_KEY: "" }, /INNGEST_SIGNING_KEY is not set/],
    [
      "CLERK_WEBHOOK_SIGNING_SECRET",
      { CLERK_WEBHOOK_SIGNING_SECRET: undefined },
      /Webhooks > your endpoint > Signing Secret/,
    ],
  ])("refuses production without %s, naming it and where to get it", (_name, override, message) => {
    expect(() => readServerEnv({ ...production, ...override })).toThrow(message);
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

  it("takes a reconciliation schedule, with or without a time zone, and rejects one that is not cron", () => {
    expect(readServerEnv({ USERS_RECONCILE_CRON: "TZ=Europe/Paris 0 3 * * *" }).reconcileSchedule).toBe(
      "TZ=Europe/Paris 0 3 * * *",
    );
    expect(() => readServerEnv({ USERS_RECONCILE_CRON: "daily" })).toThrow(
      /USERS_RECONCILE_CRON must be a five-field cron/,
    );
  });

  it("does not require INNGEST_SIGNING_KEY with INNGEST_DEV set", () => {
    expect(readServerEnv({ ...production, INNGEST_SIGNING_KEY: "", INNGEST_DEV: "1" }).inngestDev).toBe(true);
  });
});
