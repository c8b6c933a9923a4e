import { eraseEmailRecordsOf } from "../emails/repository.ts";
import { tombstoneMembershipsOf } from "../memberships/repository.ts";
import type { User } from "../schema.ts";
import { withSyncLocks } from "../sync/locks.ts";
import { type Erased, updateLiveRow, writeTombstones } from "../sync/tombstones.ts";
import { type ClerkTimestamps, type Executor, type UpsertOutcome, uniqueIdsInOrder } from "../sync/types.ts";
import { upsertNewerVersions } from "../sync/upserts.ts";

/**
 * The columns a Clerk sync owns, as the sync maps them from Clerk's user (see @repo/clerk/users): most
 * as the table types them, the rest narrower. App-owned columns (display name, bio) are deliberately
 * absent.
 */
export type UserSyncRow = ClerkTimestamps &
  Pick<User, "id" | "email" | "username" | "first_name" | "last_name" | "image_url" | "last_sign_in_at"> & {
    /** JSON text: pg and PGlite serialise it the same way. */
    public_metadata: string;
  };

export async function findUserById(db: Executor, id: string): Promise<User | undefined> {
  return db.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst();
}

/** The columns a Clerk sync writes: all of UserSyncRow's but the id. */
const USER_SYNCED_COLUMNS = [
  "email",
  "username",
  "first_name",
  "last_name",
  "image_url",
  "public_metadata",
  "clerk_created_at",
  "clerk_updated_at",
  "last_sign_in_at",
] as const;

/**
 * Writes Clerk's view of these users in one statement. Returns the rows it created or changed; a row
 * missing from the result was left alone, because the stored version (`clerk_updated_at`) is the same
 * or newer, or the user is tombstoned (see upsertNewerVersions, where the rules and their reasons sit
 * in the statement's WHERE). App-owned columns (display_name, bio) are not in USER_SYNCED_COLUMNS, so
 * a sync never overwrites them.
 */
export async function upsertUsersFromClerk(db: Executor, rows: readonly UserSyncRow[]): Promise<UpsertOutcome[]> {
  return upsertNewerVersions(db, "users", rows, USER_SYNCED_COLUMNS);
}

/**
 * A user's tombstone: the personal data erased, the app-owned fields too (they are personal as well),
 * and Clerk's timestamps, so the tombstone is the same whatever order the events came in.
 */
const ERASED_USER: Erased<"users"> = {
  email: null,
  username: null,
  first_name: null,
  last_name: null,
  image_url: null,
  public_metadata: "{}",
  last_sign_in_at: null,
  clerk_created_at: null,
  clerk_updated_at: null,
  display_name: null,
  bio: null,
};

/**
 * Tombstones a user Clerk deleted: erases the personal data (ERASED_USER), keeps the id with
 * `deleted_at` set. The row stays so that a `user.updated` delivered late cannot bring the user back
 * (see upsertUsersFromClerk). A delete for a user we never saw still leaves a tombstone, for the same
 * reason. Returns whether this call tombstoned it.
 */
export async function markUserDeleted(db: Executor, id: string): Promise<boolean> {
  const tombstoned = await markUsersDeleted(db, [id]);
  return tombstoned.length > 0;
}

/**
 * markUserDeleted for many users; returns the ids that were not already tombstoned. The users'
 * memberships are tombstoned in the same transaction, and a membership arriving later is written as a
 * tombstone (see upsertMembershipsFromClerk).
 */
export async function markUsersDeleted(db: Executor, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const unique = uniqueIdsInOrder(ids);
  return withSyncLocks(db, { userIds: unique }, async (trx) => {
    const tombstoned = await writeTombstones(
      trx,
      "users",
      unique.map((id) => ({ id })),
      ERASED_USER,
    );
    await tombstoneMembershipsOf(trx, { userIds: unique });
    // Their email records and preference are personal data too.
    await eraseEmailRecordsOf(trx, unique);
    return tombstoned;
  });
}

export type ProfileUpdate = { display_name?: string | null; bio?: string | null };

/** Updates the app-owned fields of a live user. Returns undefined for an unknown or deleted user. */
export async function updateUserProfile(db: Executor, id: string, update: ProfileUpdate): Promise<User | undefined> {
  const changes: ProfileUpdate = {};
  if (update.display_name !== undefined) changes.display_name = update.display_name;
  if (update.bio !== undefined) changes.bio = update.bio;
  return updateLiveRow(db, "users", id, changes);
}
