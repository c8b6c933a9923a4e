import { createDb } from "@repo/db/client";
import { SettingsError } from "@repo/settings";
import { describe, expect, it } from "vitest";
import { createAppFromSettings } from "../app-from-settings.ts";
import { readServerEnv } from "../env.ts";
import { createCapturedLogger } from "../testing/captured-logger.ts";
import { createTestClerkInstance } from "../testing/clerk-session.ts";

/** Every production setting the server needs, emails aside. */
const production = {
  NODE_ENV: "production",
  DATABASE_URL: "postgres://app:s3cret@db.internal:5432/app",
  CLERK_PUBLISHABLE_KEY: "pk_live_Y2xlcmsuZXhhbXBsZS5jb20k",
  CLERK_SECRET_KEY: "sk_live_topsecretvalue",
  CLERK_JWT_KEY: createTestClerkInstance().jwtKey,
  INNGEST_SIGNING_KEY: "signkey-prod-abc123",
  WEB_ORIGIN: "https://app.example.com",
};
const smtp = {
  SMTP_URL: "smtp://apikey:smtp-password-value@smtp.provider.example:587",
  EMAIL_FROM: "Acme <hello@acme.example>",
  EMAIL_LINK_SECRET: "a-production-link-secret-of-40-characters",
};

function problemsOf(settings: Record<string, string | undefined>): string[] {
  try {
    readServerEnv(settings);
  } catch (error) {
    if (error instanceof SettingsError) return error.problems;
    throw error;
  }
  return [];
}

describe("email settings", () => {
  it("production starts with SMTP_URL, EMAIL_FROM and EMAIL_LINK_SECRET, and with none of them", () => {
    expect(problemsOf({ ...production, ...smtp })).toEqual([]);
    expect(readServerEnv({ ...production, ...smtp }).email).toMatchObject({
      smtpUrl: smtp.SMTP_URL,
      from: smtp.EMAIL_FROM,
      linkSecret: smtp.EMAIL_LINK_SECRET,
      followUpAfter: "3d",
    });
    expect(problemsOf(production)).toEqual([]);
    expect(readServerEnv(production).email.smtpUrl).toBeUndefined();
  });

  it.each([
    ["EMAIL_FROM", /^EMAIL_FROM is not set: SMTP_URL is, and emails need a sender/],
    ["EMAIL_LINK_SECRET", /^EMAIL_LINK_SECRET is not set: SMTP_URL is, and unsubscribe links must stay valid/],
  ])("production refuses SMTP_URL without %s, in one plain line", (missing, line) => {
    const problems = problemsOf({ ...production, ...smtp, [missing]: "" });
    expect(problems).toEqual([expect.stringMatching(line)]);
    expect(problems.join("\n")).not.toContain("smtp-password-value");
  });

  it("development sends with stand-ins for the sender and the link secret", () => {
    const env = readServerEnv({ SMTP_URL: "smtp://localhost:1025" });
    expect(env.email).toMatchObject({
      smtpUrl: "smtp://localhost:1025",
      fromIsDefault: true,
      linkSecretIsEphemeral: true,
    });
    expect(env.email.linkSecret.length).toBeGreaterThanOrEqual(32);
  });

  it.each([
    [{ SMTP_URL: "http://smtp.example.com" }, /^SMTP_URL must start with smtp:\/\/ .* or smtps:\/\//],
    [{ SMTP_URL: "not a url" }, /^SMTP_URL must be an SMTP URL/],
    [{ EMAIL_FROM: "not-an-address" }, /^EMAIL_FROM must be an address/],
    [{ EMAIL_FROM: "Acme\r\nBcc: everyone@example.com <hello@acme.example>" }, /^EMAIL_FROM must be on one line/],
    [{ EMAIL_LINK_SECRET: "too-short-secret" }, /^EMAIL_LINK_SECRET must be at least 32 characters/],
    [{ EMAIL_FOLLOW_UP_AFTER: "72 hours" }, /^EMAIL_FOLLOW_UP_AFTER must be a whole number followed by/],
  ])("refuses %o in any environment, naming the variable and never its value", (override, line) => {
    const problems = problemsOf(override);
    expect(problems).toEqual([expect.stringMatching(line)]);
    expect(problems.join("\n")).not.toContain(Object.values(override)[0]);
  });

  it("without SMTP_URL, start-up says in one line that no emails are sent", async () => {
    const db = await createDb({ kind: "pglite-memory" });
    const { logger, entries } = createCapturedLogger();
    createAppFromSettings(readServerEnv({ CLERK_PUBLISHABLE_KEY: production.CLERK_PUBLISHABLE_KEY }), { db, logger });
    await db.destroy();
    expect(entries.filter((entry) => /SMTP_URL/.test(entry.msg ?? "")).map((entry) => entry.msg)).toEqual([
      "SMTP_URL is not set: no emails are sent (the welcome workflow is off)",
    ]);
  });
});
