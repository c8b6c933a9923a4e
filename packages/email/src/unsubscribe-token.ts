import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Signed email links: `<payload>.<signature>`, both base64url. The payload names the recipient by an
 * opaque id (never the Clerk user id: no Clerk id appears in an email), what the link may do, and when
 * it stops working; the signature is HMAC-SHA256 over the payload with EMAIL_LINK_SECRET. Nothing is
 * encrypted: the payload holds nothing secret, only nothing that can be changed without the key.
 */
export type EmailLinkPurpose = "unsubscribe-product-emails";

export type EmailLinkClaims = {
  /** The recipient's opaque link id (email_preferences.link_id). */
  recipient: string;
  purpose: EmailLinkPurpose;
  /** Unix time in seconds after which the link is refused. */
  expiresAt: number;
};

/** How long an unsubscribe link works: long enough for an email read weeks later. */
export const UNSUBSCRIBE_LINK_LIFETIME_SECONDS = 90 * 24 * 60 * 60;

export type EmailLinkCheck =
  | { valid: true; claims: EmailLinkClaims }
  | { valid: false; reason: "malformed" | "forged" | "expired" | "wrong-purpose" };

export function signEmailLink(secret: string, claims: EmailLinkClaims): string {
  const payload = Buffer.from(JSON.stringify({ r: claims.recipient, p: claims.purpose, e: claims.expiresAt })).toString(
    "base64url",
  );
  return `${payload}.${signatureOf(secret, payload).toString("base64url")}`;
}

/** Checks the signature before reading anything in the payload; then the purpose and the expiry. */
export function verifyEmailLink(
  secret: string,
  token: string,
  expected: { purpose: EmailLinkPurpose; now?: Date },
): EmailLinkCheck {
  const parts = token.split(".");
  const [payload, signature] = parts;
  if (parts.length !== 2 || !payload || !signature || !/^[\w-]+$/.test(payload) || !/^[\w-]+$/.test(signature))
    return { valid: false, reason: "malformed" };
  const given = Buffer.from(signature, "base64url");
  const wanted = signatureOf(secret, payload);
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) return { valid: false, reason: "forged" };
  const claims = readClaims(payload);
  if (!claims) return { valid: false, reason: "malformed" };
  if (claims.purpose !== expected.purpose) return { valid: false, reason: "wrong-purpose" };
  const now = Math.floor((expected.now ?? new Date()).getTime() / 1000);
  if (claims.expiresAt <= now) return { valid: false, reason: "expired" };
  return { valid: true, claims };
}

function signatureOf(secret: string, payload: string): Buffer {
  return createHmac("sha256", secret).update(payload).digest();
}

function readClaims(payload: string): EmailLinkClaims | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
    if (typeof value !== "object" || value === null) return undefined;
    const { r, p, e } = value as Record<string, unknown>;
    if (typeof r !== "string" || typeof p !== "string" || typeof e !== "number") return undefined;
    return { recipient: r, purpose: p as EmailLinkPurpose, expiresAt: e };
  } catch {
    return undefined;
  }
}
