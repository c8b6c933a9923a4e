import type { User } from "@repo/db/users";
import type { AuthState } from "../auth/auth-state.ts";

/**
 * A user as the API shows them: named field by field, so a new column reaches callers only when it is
 * added here. Sync bookkeeping (`synced_at`, `last_listed_at`, our own `created_at`/`updated_at`) and
 * the tombstone marker stay in the database; Clerk's timestamps are kept under names that say what they mean.
 */
export type UserProfile = {
  id: string;
  /** The address Clerk marks primary. */
  email: string | null;
  username: string | null;
  firstName: string | null;
  lastName: string | null;
  imageUrl: string | null;
  /** App-owned: edited in this app, never overwritten by a sync. */
  displayName: string | null;
  /** App-owned, like displayName. */
  bio: string | null;
  /** When the user was created in Clerk. */
  signedUpAt: Date | null;
  /** When Clerk last changed the user (Clerk's `updated_at`); the app's own fields do not move it. */
  changedInClerkAt: Date | null;
};

/** Who is acting as the signed-in user through impersonation: the impersonator's Clerk user id. */
export type Actor = { userId: string };

/** What `user.me` answers: the caller's profile, and whether someone else is acting as them. */
export type CurrentUser = { profile: UserProfile; actor: Actor | null };

export function toUserProfile(row: User): UserProfile {
  return {
    id: row.id,
    email: row.email,
    username: row.username,
    firstName: row.first_name,
    lastName: row.last_name,
    imageUrl: row.image_url,
    displayName: row.display_name,
    bio: row.bio,
    signedUpAt: row.clerk_created_at,
    changedInClerkAt: row.clerk_updated_at,
  };
}

export function actorOf(auth: AuthState): Actor | null {
  return auth.actor ? { userId: auth.actor.sub } : null;
}
