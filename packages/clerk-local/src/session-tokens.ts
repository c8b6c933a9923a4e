import type { KeyObject } from "node:crypto";
import { SignJWT } from "jose";

/**
 * Session tokens in the shape Clerk issues them, signed with a key of our own: what the local stand-in
 * for Clerk hands the browser, and what tests give the server. The server verifies them exactly as it
 * verifies Clerk's (Clerk's authenticateRequest, given the public half as CLERK_JWT_KEY).
 */

/** Who signs: the Frontend API host the tokens name as their issuer, the private key and its key id. */
export type SigningInstance = { frontendApi: string; privateKey: KeyObject; kid: string };

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
  /** The session's active organization, encoded as Clerk's v2 `o` claim (absent: no active organization). */
  org?: TestOrganizationClaims;
  /** Impersonation: who is acting as `userId`, as Clerk's `act` claim. */
  actor?: { sub: string };
  /**
   * Claims set as given, over the ones above (`{ o: { id: ["org_B"] } }`): tokens Clerk never mints but a
   * key that signs custom JWT templates could, to see that the server holds claims to Clerk's shapes.
   */
  rawClaims?: Record<string, unknown>;
};

export type TestOrganizationClaims = {
  id: string;
  slug?: string;
  /** Clerk's role key, `org:admin` or `org:member` (the `org:` prefix may be left out, as in the token). */
  role: string;
  /** Custom permissions, `org:<feature>:<permission>` (e.g. `org:invoices:manage`), as `has()` names them. */
  permissions?: readonly string[];
};

/** A session token in the shape Clerk issues (v2 claims), signed RS256 with the instance's key. */
export async function signSessionToken(instance: SigningInstance, options: SessionTokenOptions): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const nbf = now + (options.notBeforeInSeconds ?? -10);
  const sessionId = options.sessionId ?? `sess_${options.userId.slice(5)}`;
  return new SignJWT({
    azp: options.azp,
    fva: [0, -1],
    sid: sessionId,
    sts: options.sessionStatus ?? "active",
    v: 2,
    ...(options.org ? organizationClaims(options.org) : {}),
    ...(options.actor ? { act: actorClaim(options.actor.sub) } : {}),
    ...options.rawClaims,
  })
    .setProtectedHeader({ alg: "RS256", kid: options.kid ?? instance.kid, typ: options.typ ?? "JWT" })
    .setIssuer(`https://${instance.frontendApi}`)
    .setSubject(options.userId)
    .setIssuedAt(Math.min(now, nbf))
    .setNotBefore(nbf)
    .setExpirationTime(now + (options.expiresInSeconds ?? 60))
    .sign(options.signWith ?? instance.privateKey);
}

/**
 * The active organization as Clerk's session token v2 carries it: `o: { id, slg, rol, per, fpm }` plus the
 * organization features in `fea`. Permissions are not listed whole: `fea` names the features (`o:invoices`),
 * `o.per` the distinct permission names (`manage,read`), and `o.fpm` one integer per feature whose bit i
 * (least significant first) grants `o.per[i]` for that feature. Clerk's SDK rebuilds `org:invoices:manage`
 * from these; see `__experimental_JWTPayloadToAuthObjectProperties` in @clerk/shared.
 */
function organizationClaims(org: TestOrganizationClaims): { o: Record<string, string>; fea?: string } {
  const o: Record<string, string> = { id: org.id, rol: org.role.replace(/^org:/, "") };
  if (org.slug !== undefined) o.slg = org.slug;
  const features: string[] = [];
  const permissionNames: string[] = [];
  const granted = new Map<string, Set<string>>();
  for (const key of org.permissions ?? []) {
    const match = /^org:([^:]+):([^:]+)$/.exec(key);
    if (!match?.[1] || !match[2]) throw new Error(`Permission ${key} is not of the form org:<feature>:<permission>`);
    const [, feature, permission] = match;
    if (!features.includes(feature)) features.push(feature);
    if (!permissionNames.includes(permission)) permissionNames.push(permission);
    granted.set(feature, (granted.get(feature) ?? new Set()).add(permission));
  }
  if (features.length === 0) return { o };
  o.per = permissionNames.join(",");
  o.fpm = features
    .map((feature) =>
      permissionNames.reduce((bits, name, index) => (granted.get(feature)?.has(name) ? bits | (1 << index) : bits), 0),
    )
    .join(",");
  return { o, fea: features.map((feature) => `o:${feature}`).join(",") };
}

/** Impersonation from Clerk's dashboard: `sub` is the impersonator; `iss` and `sid` as Clerk documents them. */
function actorClaim(impersonatorId: string) {
  return { iss: "https://dashboard.clerk.com", sid: `sess_${impersonatorId.slice(5)}_dashboard`, sub: impersonatorId };
}
