import { sql } from "kysely";
import { eraseEmailRecordsOf } from "../emails/repository.ts";
import { tombstoneMembershipsOf } from "../memberships/repository.ts";
import type { User } from "../schema.ts";
import { withSyncLocks } from "../sync/locks.ts";
import { type Executor, newestPerId, type UpsertOutcome, uniqueIdsInOrder } from "../sync/types.ts";

/**
 * The columns a Clerk sync owns, as the sync maps them from Clerk's user (see @repo/clerk/users).
 * App-owned columns (display name, bio) are deliberately absent.
 */
export type UserSyncRow = {
  id: string;
  email: string | null;
  username: string | null;
  first_name: string | null;
  last_name: string | null;
  image_url: string | null;
  /** JSON text: pg and PGlite serialise it the same way. */
  public_metadata: string;
  clerk_created_at: Date;
  clerk_updated_at: Date;
  last_sign_in_at: Date | null;
};

export async function findUserById(db: Executor, id: string): Promise<User | undefined> {
  return db.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst();
}

/**
 * Writes Clerk's view of these users in one statement. Returns the rows it created or changed; a row
 * missing from the result was left alone, because:
 * - the stored version (`clerk_updated_at`) is the same or newer: a late or duplicate event must not
 *   roll a user back. The check sits in the statement's WHERE, so two writers racing on one user
 *   cannot both pass it;
 * - the user is tombstoned: Clerk ids are never reused, so anything arriving after a delete is late.
 * App-owned columns (display_name, bio) are not in the SET list, so a sync never overwrites them.
 */
export async function upsertUsersFromClerk(db: Executor, rows: readonly UserSyncRow[]): Promise<UpsertOutcome[]> {
  if (rows.length === 0) return [];
  const syncedAt = new Date();
  const written = await db
    .insertInto("users")
    .values(newestPerId(rows).map((row) => ({ ...row, synced_at: syncedAt })))
    .onConflict((oc) =>
      oc
        .column("id")
        .doUpdateSet((eb) => ({
          email: eb.ref("excluded.email"),
          username: eb.ref("excluded.username"),
          first_name: eb.ref("excluded.first_name"),
          last_name: eb.ref("excluded.last_name"),
          image_url: eb.ref("excluded.image_url"),
          public_metadata: eb.ref("excluded.public_metadata"),
          clerk_created_at: eb.ref("excluded.clerk_created_at"),
          clerk_updated_at: eb.ref("excluded.clerk_updated_at"),
          last_sign_in_at: eb.ref("excluded.last_sign_in_at"),
          synced_at: eb.ref("excluded.synced_at"),
          updated_at: sql`now()`,
        }))
        .where("users.deleted_at", "is", null)
        .where((eb) =>
          eb.or([
            eb("users.clerk_updated_at", "is", null),
            eb("users.clerk_updated_at", "<", eb.ref("excluded.clerk_updated_at")),
          ]),
        ),
    )
    // xmax is 0 only for a row this statement inserted: how Postgres tells an insert from an update.
    .returning(["id", sql<boolean>`(xmax = 0)`.as("inserted")])
    .execute();
  return written.map((row) => ({ id: row.id, outcome: row.inserted ? "created" : "updated" }));
}

/**
 * Tombstones a user Clerk deleted: erases the personal data, keeps the id with `deleted_at` set.
 * The row stays so that a `user.updated` delivered late cannot bring the user back (see
 * upsertUsersFromClerk). App-owned fields are personal too, and go as well. A delete for a user we
 * never saw still leaves a tombstone, for the same reason. Everything but the id and deleted_at is
 * cleared, Clerk's timestamps included, so a tombstone is the same whatever order the events came in.
 * Returns whether this call tombstoned it.
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
    const deletedAt = new Date();
    const rows = await trx
      .insertInto("users")
      .values(unique.map((id) => ({ id, public_metadata: "{}", deleted_at: deletedAt, synced_at: deletedAt })))
      .onConflict((oc) =>
        oc
          .column("id")
          .doUpdateSet({
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
            deleted_at: (eb) => eb.ref("excluded.deleted_at"),
            synced_at: (eb) => eb.ref("excluded.synced_at"),
            updated_at: sql`now()`,
          })
          // A second delete changes nothing: the first deletion time is the true one.
          .where("users.deleted_at", "is", null),
      )
      .returning("id")
      .execute();
    await tombstoneMembershipsOf(trx, { userIds: unique });
    // Their email records and preference are personal data too.
    await eraseEmailRecordsOf(trx, unique);
    return rows.map((row) => row.id);
  });
}

export type ProfileUpdate = { display_name?: string | null; bio?: string | null };

/** Updates the app-owned fields of a live user. Returns undefined for an unknown or deleted user. */
export async function updateUserProfile(db: Executor, id: string, update: ProfileUpdate): Promise<User | undefined> {
  const changes: ProfileUpdate = {};
  if (update.display_name !== undefined) changes.display_name = update.display_name;
  if (update.bio !== undefined) changes.bio = update.bio;
  return db
    .updateTable("users")
    .set({ ...changes, updated_at: sql`now()` })
    .where("id", "=", id)
    .where("deleted_at", "is", null)
    .returningAll()
    .executeTakeFirst();
}
