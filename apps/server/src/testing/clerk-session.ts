import { createPrivateKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import { buildPublishableKey } from "@clerk/shared/keys";
import { SignJWT } from "jose";

/**
 * A stand-in Clerk instance for offline tests: a publishable key naming a made-up Frontend API host,
 * and an RSA key pair whose public half the server gets as CLERK_JWT_KEY. Tokens signed here have the
 * shape of Clerk's session tokens, so Clerk's own verification accepts them without a network call.
 */
export type TestClerkInstance = {
  frontendApi: string;
  publishableKey: string;
  secretKey: string;
  jwtKey: string;
  privateKey: KeyObject;
  kid: string;
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

export type SessionTokenOptions = {
  userId: string;
  /** The origin the token was minted for (Clerk's `azp`). */
  azp: string;
  sessionId?: string;
  /** Seconds from now; negative for a token that has already expired. Clerk's default lifetime is 60. */
  expiresInSeconds?: number;
  /** Seconds from now at which the token becomes valid; positive for a not-yet-valid token. */
  notBeforeInSeconds?: number;
  signWith?: KeyObject;
  /** Clerk's `sts` claim; `pending` while the user still has sign-up tasks to finish. */
  sessionStatus?: "active" | "pending";
  /** The header's key id; the instance's own by default. */
  kid?: string;
  /** The header's type; `at+jwt` makes the token look like an OAuth access token. */
  typ?: string;
};

/** A session token in the shape Clerk issues (v2 claims), signed RS256 with the instance's key. */
export async function signSessionToken(instance: TestClerkInstance, options: SessionTokenOptions): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const nbf = now + (options.notBeforeInSeconds ?? -10);
  return new SignJWT({
    azp: options.azp,
    fva: [0, -1],
    sid: options.sessionId ?? `sess_${options.userId.slice(5)}`,
    sts: options.sessionStatus ?? "active",
    v: 2,
  })
    .setProtectedHeader({ alg: "RS256", kid: options.kid ?? instance.kid, typ: options.typ ?? "JWT" })
    .setIssuer(`https://${instance.frontendApi}`)
    .setSubject(options.userId)
    .setIssuedAt(Math.min(now, nbf))
    .setNotBefore(nbf)
    .setExpirationTime(now + (options.expiresInSeconds ?? 60))
    .sign(options.signWith ?? instance.privateKey);
}
