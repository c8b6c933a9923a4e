import { createPublicKey } from "node:crypto";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { DEFAULT_CLERK_LOCAL_PORT } from "./clerk-local-mode.js";
import { optionalSetting } from "./settings.ts";

/**
 * Clerk's keys as every program here reads them (the server, `pnpm clerk:backfill`): one schema each, so
 * a key is held to the same shape, and named with the same hint, wherever it is read.
 */
export const fromClerkDashboard = (where: string) => `copy it from the Clerk dashboard (${where})`;

const SECRET_KEY = `must start with sk_test_ or sk_live_: ${fromClerkDashboard("API keys")}`;

/** CLERK_SECRET_KEY: optional, since a fresh clone starts without Clerk. */
export const clerkSecretKeySetting = optionalSetting.pipe(
  z
    .string()
    .regex(/^sk_(test|live)_/, SECRET_KEY)
    .optional(),
);

/** CLERK_SECRET_KEY where a program cannot run without it; empty, as copied from .env.example, is unset. */
export const requiredClerkSecretKeySetting = optionalSetting.pipe(
  z
    .string({ message: `is not set: ${fromClerkDashboard("API keys")} into .env` })
    .regex(/^sk_(test|live)_/, SECRET_KEY),
);

export const clerkPublishableKeySetting = optionalSetting.pipe(
  z
    .string()
    .regex(/^pk_(test|live)_/, `must start with pk_test_ or pk_live_: ${fromClerkDashboard("API keys")}`)
    .optional(),
);

/** CLERK_JWT_KEY: a PEM public key, with `\n` written out allowed (one line in a .env file). */
export const clerkJwtKeySetting = optionalSetting.pipe(
  z
    .string()
    .transform((value) => value.replaceAll("\\n", "\n"))
    .refine(isPublicKey, `must be a PEM public key: ${fromClerkDashboard("API keys > JWT public key > PEM")}`)
    .optional(),
);

export const clerkWebhookSigningSecretSetting = optionalSetting.pipe(
  z
    .string()
    .regex(/^whsec_/, `must start with whsec_: ${fromClerkDashboard("Webhooks > your endpoint > Signing Secret")}`)
    .optional(),
);

/** Where Clerk's Backend API is; Clerk's own when unset (tests and stand-ins set it). */
export const clerkApiUrlSetting = optionalSetting.pipe(z.url().optional());

/** A key that would fail every verification must stop the start-up, not sign every user out. */
function isPublicKey(pem: string): boolean {
  if (!pem.includes("BEGIN PUBLIC KEY")) return false;
  try {
    return createPublicKey(pem).type === "public";
  } catch {
    return false;
  }
}

/** CLERK_LOCAL_PORT: where the local stand-in for Clerk listens (default 3100; 0 for any free port). */
export const clerkLocalPortSetting = optionalSetting.pipe(
  z
    .string()
    .default(String(DEFAULT_CLERK_LOCAL_PORT))
    .transform((value) => Number(value))
    .pipe(z.number({ message: "must be a port number" }).int().min(0).max(65_535)),
);

/**
 * Whether a publishable key names a Frontend API on this machine: the local stand-in's, never a Clerk
 * instance's (production refuses it).
 */
export function isLocalFrontendApi(frontendApi: string | undefined): boolean {
  const host = frontendApi?.replace(/:\d+$/, "") ?? "";
  return ["127.0.0.1", "localhost", "[::1]"].includes(host) || host.endsWith(".localhost");
}

/** CLERK_LOCAL_DATA_DIR: where the local stand-in keeps its keys and people (default <repo>/.data/clerk-local). */
export const clerkLocalDataDirSetting = optionalSetting.pipe(
  // Three folders up from packages/settings/src, and from apps/server/dist, where the bundle carries this.
  z.string().default(fileURLToPath(new URL("../../../.data/clerk-local", import.meta.url))),
);
