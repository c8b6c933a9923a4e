import { createPublicKey } from "node:crypto";
import { z } from "zod";
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
