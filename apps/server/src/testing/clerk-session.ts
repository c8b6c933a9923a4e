import { createPrivateKey, generateKeyPairSync } from "node:crypto";
import { buildPublishableKey } from "@clerk/shared/keys";
import type { SigningInstance } from "@repo/clerk-local/session-tokens";

/**
 * A stand-in Clerk instance for offline tests: a publishable key naming a made-up Frontend API host,
 * and an RSA key pair whose public half the server gets as CLERK_JWT_KEY. Tokens signed here have the
 * shape of Clerk's session tokens, so Clerk's own verification accepts them without a network call.
 */
export type TestClerkInstance = SigningInstance & {
  publishableKey: string;
  secretKey: string;
  jwtKey: string;
};

export function createTestClerkInstance(frontendApi = "sure-mole-42.clerk.accounts.dev"): TestClerkInstance {
  // The pair comes out as PEM and the private key is read back from it, never used as the generator
  // returned it: on Node 20 that KeyObject shares a lock with the generator's job, and jose's JWK export
  // of it (every signing, before jose caches the key) deadlocks the process when a garbage collection
  // frees the job mid-export. The soak benchmark, signing 120 tokens at once, hung on it.
  const { publicKey, privateKey } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
  return {
    frontendApi,
    publishableKey: buildPublishableKey(frontendApi),
    secretKey: "sk_test_offlineTestSecretKeyNotARealOne0000000000",
    jwtKey: publicKey,
    privateKey: createPrivateKey(privateKey),
    kid: "ins_2testInstanceKeyId",
  };
}

export {
  type SessionTokenOptions,
  signSessionToken,
  type TestOrganizationClaims,
} from "@repo/clerk-local/session-tokens";
