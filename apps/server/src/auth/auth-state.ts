import type { SignedInAuthObject } from "@clerk/backend/internal";
import type { ActClaim } from "@clerk/shared/types";

/**
 * Who is calling, in which organization, and through whom: the part of Clerk's auth object (what
 * `getAuth()` gives) that procedures use, as Clerk's verification of the session token established it.
 * Nothing else in the request is trusted. Absent values are null, as in Clerk's signed-out object.
 *
 * The object is frozen: a verification is remembered and handed to every request carrying the same
 * token, so no procedure may change what the next one sees.
 */
export type AuthState = {
  readonly userId: string | null;
  readonly sessionId: string | null;
  /** The session's active organization (Clerk's `o.id`, or `org_id` in v1 tokens). */
  readonly orgId: string | null;
  /** The caller's role there, with its `org:` prefix (`org:admin`). */
  readonly orgRole: string | null;
  readonly orgSlug: string | null;
  /** Custom permissions there (`org:invoices:manage`); Clerk leaves system permissions out of tokens. */
  readonly orgPermissions: readonly string[] | null;
  /** Set when someone acts as this user (Clerk's impersonation, the `act` claim); `sub` is who acts. */
  readonly actor: Readonly<ActClaim> | null;
  /**
   * Clerk's own authorization check for this session (`has({ role: "org:admin" })`,
   * `has({ permission: "org:invoices:manage" })`), answering from the verified claims.
   */
  readonly has: SignedInAuthObject["has"];
};

/** What a request without a verified session gets; `has()` refuses everything, as Clerk's does. */
export const signedOut: AuthState = Object.freeze({
  userId: null,
  sessionId: null,
  orgId: null,
  orgRole: null,
  orgSlug: null,
  orgPermissions: null,
  actor: null,
  has: () => false,
});

/**
 * The auth state of a session Clerk verified, read from Clerk's auth object (`state.toAuth()`), which
 * decoded the claims (v1 `org_*` or v2 `o`/`fea`) itself: nothing here reads the token.
 */
export function authStateFromClerk(auth: SignedInAuthObject): AuthState {
  return Object.freeze({
    userId: auth.userId,
    sessionId: auth.sessionId,
    orgId: auth.orgId ?? null,
    orgRole: auth.orgRole ?? null,
    orgSlug: auth.orgSlug ?? null,
    orgPermissions: auth.orgPermissions ? Object.freeze([...auth.orgPermissions]) : null,
    actor: auth.actor ? Object.freeze({ ...auth.actor }) : null,
    has: auth.has,
  });
}
