import { fileURLToPath } from "node:url";
import { readDbEnv } from "@repo/db/env";
import { readBackfillEnv } from "@repo/inngest/env";
import { readSettingsSource } from "@repo/settings/source";
import { describe, expect, it } from "vitest";
import { readServerEnv } from "./env.ts";

const envExample = fileURLToPath(new URL("../../../.env.example", import.meta.url));

/** What a newcomer gets by copying .env.example to .env, and nothing else in the environment. */
const copiedExample = (environment: NodeJS.ProcessEnv = {}) =>
  readSettingsSource({ dotenvPath: envExample, environment });

describe(".env.example copied to .env", () => {
  it("starts the server in development: every empty line counts as unset", () => {
    const env = readServerEnv(copiedExample());
    expect(env).toMatchObject({ nodeEnv: "development", port: 3000, databaseUrl: undefined });
    // No Inngest Dev Server and no tunnel needed: the server pulls from Clerk itself.
    expect(env.inngest.isDev).toBe(false);
    expect(env.clerkPull).toMatchObject({ isOn: true, incrementalMs: 10_000, fullMs: 300_000 });
    expect(readDbEnv(copiedExample()).databaseUrl).toBeUndefined();
  });

  it("runs pnpm users:backfill once the secret key is filled in", () => {
    const settings = copiedExample({ CLERK_SECRET_KEY: "sk_test_filledIn" });
    expect(readBackfillEnv(settings)).toMatchObject({ clerkSecretKey: "sk_test_filledIn", clerkApiUrl: undefined });
  });

  it("is not read in production, so nothing in it reaches a production server", () => {
    const settings = copiedExample({ NODE_ENV: "production" });
    expect(settings.WEB_ORIGIN).toBeUndefined();
  });
});
