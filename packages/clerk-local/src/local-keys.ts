import { createPrivateKey, generateKeyPairSync, type KeyObject, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";

/**
 * The stand-in's secrets, made on first run and kept in its data folder (`.data/clerk-local`, which git
 * ignores), so sessions and webhook signatures survive a restart of `pnpm dev`:
 * - an RSA key pair: the private half signs session tokens, the public half is the server's CLERK_JWT_KEY;
 * - a `whsec_` secret that signs webhook deliveries as Svix does, the server's CLERK_WEBHOOK_SIGNING_SECRET;
 * - the Backend API's secret key, the server's CLERK_SECRET_KEY: this machine's own, so no page that learns
 *   a constant (or a copy of this code) can call the stand-in's Backend API.
 * They are this machine's own: nothing outside it trusts them, and production refuses local mode.
 */
export type LocalKeys = {
  privateKey: KeyObject;
  /** PEM, as CLERK_JWT_KEY takes it. */
  publicKeyPem: string;
  webhookSigningSecret: string;
  secretKey: string;
};

const keysFileSchema = z.object({
  privateKeyPem: z.string().startsWith("-----BEGIN PRIVATE KEY-----"),
  publicKeyPem: z.string().startsWith("-----BEGIN PUBLIC KEY-----"),
  webhookSigningSecret: z.string().startsWith("whsec_"),
  // Absent from the files written before the stand-in had a secret key of its own: one is added on start.
  secretKey: z
    .string()
    .regex(/^sk_test_clerkLocal[0-9a-f]{48}$/)
    .optional(),
});

const newSecretKey = () => `sk_test_clerkLocal${randomBytes(24).toString("hex")}`;

const KEYS_FILE = "keys.json";

export function loadOrCreateLocalKeys(dataDir: string): LocalKeys {
  const path = join(dataDir, KEYS_FILE);
  if (!existsSync(path)) {
    mkdirSync(dataDir, { recursive: true });
    const { publicKey, privateKey } = generateKeyPairSync("rsa", {
      modulusLength: 2048,
      publicKeyEncoding: { type: "spki", format: "pem" },
      privateKeyEncoding: { type: "pkcs8", format: "pem" },
    });
    const file = {
      privateKeyPem: privateKey,
      publicKeyPem: publicKey,
      webhookSigningSecret: `whsec_${randomBytes(24).toString("base64")}`,
      secretKey: newSecretKey(),
    };
    writeKeysFile(path, file);
  }
  const parsed = keysFileSchema.safeParse(JSON.parse(readFileSync(path, "utf8")));
  if (!parsed.success)
    throw new Error(`${path} is not the local Clerk stand-in's keys file: delete it, and a new one is made on start`);
  let secretKey = parsed.data.secretKey;
  if (!secretKey) {
    secretKey = newSecretKey();
    writeKeysFile(path, { ...parsed.data, secretKey });
  }
  return {
    secretKey,
    // Read back from PEM rather than used as generated (see createTestClerkInstance: on Node 20 a generated
    // KeyObject can deadlock jose's key export).
    privateKey: createPrivateKey(parsed.data.privateKeyPem),
    publicKeyPem: parsed.data.publicKeyPem,
    webhookSigningSecret: parsed.data.webhookSigningSecret,
  };
}

/** Readable by this user only: whoever holds the private key can sign in as anyone in local mode. */
function writeKeysFile(path: string, file: z.infer<typeof keysFileSchema>) {
  writeFileSync(path, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
}
