import { sql } from "kysely";
import { tombstoneMembershipsOf } from "../memberships/repository.ts";
import type { Organization } from "../schema.ts";
import { withSyncLocks } from "../sync/locks.ts";
import { type Executor, newestPerId, type UpsertOutcome, uniqueIdsInOrder } from "../sync/types.ts";

/**
 * The columns a Clerk sync owns, as the sync maps them from Clerk's organization (see
 * @repo/clerk/organizations). The app-owned `description` is deliberately absent.
 */
export type OrganizationSyncRow = {
  id: string;
  name: string;
  slug: string | null;
  image_url: string | null;
  /** JSON text: pg and PGlite serialise it the same way. */
  public_metadata: string;
  clerk_created_at: Date;
  clerk_updated_at: Date;
};

export async function findOrganizationById(db: Executor, id: string): Promise<Organization | undefined> {
  return db.selectFrom("organizations").selectAll().where("id", "=", id).executeTakeFirst();
}

/**
 * Writes Clerk's view of these organizations in one statement, under the same rules as users (see
 * upsertUsersFromClerk): a stored `clerk_updated_at` the same or newer wins, the check sits in the
 * statement's WHERE so racing writers cannot both pass it, and a tombstone is permanent (Clerk never
 * reuses an organization id). `description` is app-owned and not in the SET list, so a sync never
 * overwrites it. Returns the rows it created or changed.
 */
export async function upsertOrganizationsFromClerk(
  db: Executor,
  rows: readonly OrganizationSyncRow[],
): Promise<UpsertOutcome[]> {
  if (rows.length === 0) return [];
  const syncedAt = new Date();
  const written = await db
    .insertInto("organizations")
    .values(newestPerId(rows).map((row) => ({ ...row, synced_at: syncedAt })))
    .onConflict((oc) =>
      oc
        .column("id")
        .doUpdateSet((eb) => ({
          name: eb.ref("excluded.name"),
          slug: eb.ref("excluded.slug"),
          image_url: eb.ref("excluded.image_url"),
          public_metadata: eb.ref("excluded.public_metadata"),
          clerk_created_at: eb.ref("excluded.clerk_created_at"),
          clerk_updated_at: eb.ref("excluded.clerk_updated_at"),
          synced_at: eb.ref("excluded.synced_at"),
          updated_at: sql`now()`,
        }))
        .where("organizations.deleted_at", "is", null)
        .where((eb) =>
          eb.or([
            eb("organizations.clerk_updated_at", "is", null),
            eb("organizations.clerk_updated_at", "<", eb.ref("excluded.clerk_updated_at")),
          ]),
        ),
    )
    // xmax is 0 only for a row this statement inserted: how Postgres tells an insert from an update.
    .returning(["id", sql<boolean>`(xmax = 0)`.as("inserted")])
    .execute();
  return written.map((row) => ({ id: row.id, outcome: row.inserted ? "created" : "updated" }));
}

/**
 * Tombstones an organization Clerk deleted, whatever the version: name, slug, image, metadata and the
 * app-owned description are erased, Clerk's timestamps too (so a tombstone is the same whatever order
 * the events came in), and the id stays with `deleted_at` set, so a late `organization.updated` cannot
 * bring it back. A delete for an organization never seen still leaves a tombstone. Its memberships are
 * tombstoned in the same transaction; a membership arriving later is written as a tombstone (see
 * upsertMembershipsFromClerk). Returns whether this call tombstoned it.
 */
export async function markOrganizationDeleted(db: Executor, id: string): Promise<boolean> {
  return (await markOrganizationsDeleted(db, [id])).length > 0;
}

/** markOrganizationDeleted for many organizations; returns the ids that were not already tombstoned. */
export async function markOrganizationsDeleted(db: Executor, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const unique = uniqueIdsInOrder(ids);
  return withSyncLocks(db, { organizationIds: unique }, async (trx) => {
    const deletedAt = new Date();
    const rows = await trx
      .insertInto("organizations")
      .values(unique.map((id) => ({ id, public_metadata: "{}", deleted_at: deletedAt, synced_at: deletedAt })))
      .onConflict((oc) =>
        oc
          .column("id")
          .doUpdateSet({
            name: null,
            slug: null,
            image_url: null,
            public_metadata: "{}",
            description: null,
            clerk_created_at: null,
            clerk_updated_at: null,
            deleted_at: (eb) => eb.ref("excluded.deleted_at"),
            synced_at: (eb) => eb.ref("excluded.synced_at"),
            updated_at: sql`now()`,
          })
          // A second delete changes nothing: the first deletion time is the true one.
          .where("organizations.deleted_at", "is", null),
      )
      .returning("id")
      .execute();
    await tombstoneMembershipsOf(trx, { organizationIds: unique });
    return rows.map((row) => row.id);
  });
}

export type OrganizationProfileUpdate = { description?: string | null };

/** Updates the app-owned fields of a live organization. Returns undefined for an unknown or deleted one. */
export async function updateOrganizationProfile(
  db: Executor,
  id: string,
  update: OrganizationProfileUpdate,
): Promise<Organization | undefined> {
  const changes: OrganizationProfileUpdate = {};
  if (update.description !== undefined) changes.description = update.description;
  return db
    .updateTable("organizations")
    .set({ ...changes, updated_at: sql`now()` })
    .where("id", "=", id)
    .where("deleted_at", "is", null)
    .returningAll()
    .executeTakeFirst();
}
