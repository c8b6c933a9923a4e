import { tombstoneMembershipsOf } from "../memberships/repository.ts";
import type { Organization } from "../schema.ts";
import { withSyncLocks } from "../sync/locks.ts";
import { type Erased, updateLiveRow, writeTombstones } from "../sync/tombstones.ts";
import { type ClerkTimestamps, type Executor, type UpsertOutcome, uniqueIdsInOrder } from "../sync/types.ts";
import { upsertNewerVersions } from "../sync/upserts.ts";

/**
 * The columns a Clerk sync owns, as the sync maps them from Clerk's organization (see
 * @repo/clerk/organizations): some as the table types them, the rest narrower. The app-owned
 * `description` is deliberately absent.
 */
export type OrganizationSyncRow = ClerkTimestamps &
  Pick<Organization, "id" | "slug" | "image_url"> & {
    /** Clerk always sends it: null in the table only on a tombstone. */
    name: string;
    /** JSON text: pg and PGlite serialise it the same way. */
    public_metadata: string;
  };

export async function findOrganizationById(db: Executor, id: string): Promise<Organization | undefined> {
  return db.selectFrom("organizations").selectAll().where("id", "=", id).executeTakeFirst();
}

/** The columns a Clerk sync writes: all of OrganizationSyncRow's but the id. */
const ORGANIZATION_SYNCED_COLUMNS = [
  "name",
  "slug",
  "image_url",
  "public_metadata",
  "clerk_created_at",
  "clerk_updated_at",
] as const;

/**
 * Writes Clerk's view of these organizations in one statement, under the same rules as users (see
 * upsertNewerVersions): a stored `clerk_updated_at` the same or newer wins, the check sits in the
 * statement's WHERE so racing writers cannot both pass it, and a tombstone is permanent (Clerk never
 * reuses an organization id). `description` is app-owned and not in ORGANIZATION_SYNCED_COLUMNS, so a
 * sync never overwrites it. Returns the rows it created or changed.
 */
export async function upsertOrganizationsFromClerk(
  db: Executor,
  rows: readonly OrganizationSyncRow[],
): Promise<UpsertOutcome[]> {
  return upsertNewerVersions(db, "organizations", rows, ORGANIZATION_SYNCED_COLUMNS);
}

/**
 * An organization's tombstone: name, slug, image, metadata and the app-owned description erased, and
 * Clerk's timestamps too, so the tombstone is the same whatever order the events came in.
 */
const ERASED_ORGANIZATION: Erased<"organizations"> = {
  name: null,
  slug: null,
  image_url: null,
  public_metadata: "{}",
  description: null,
  clerk_created_at: null,
  clerk_updated_at: null,
};

/**
 * Tombstones an organization Clerk deleted, whatever the version: erases it (ERASED_ORGANIZATION) and
 * keeps the id with `deleted_at` set, so a late `organization.updated` cannot bring it back. A delete
 * for an organization never seen still leaves a tombstone. Its memberships are tombstoned in the same
 * transaction; a membership arriving later is written as a tombstone (see upsertMembershipsFromClerk).
 * Returns whether this call tombstoned it.
 */
export async function markOrganizationDeleted(db: Executor, id: string): Promise<boolean> {
  return (await markOrganizationsDeleted(db, [id])).length > 0;
}

/** markOrganizationDeleted for many organizations; returns the ids that were not already tombstoned. */
export async function markOrganizationsDeleted(db: Executor, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const unique = uniqueIdsInOrder(ids);
  return withSyncLocks(db, { organizationIds: unique }, async (trx) => {
    const tombstoned = await writeTombstones(
      trx,
      "organizations",
      unique.map((id) => ({ id })),
      ERASED_ORGANIZATION,
    );
    await tombstoneMembershipsOf(trx, { organizationIds: unique });
    return tombstoned;
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
  return updateLiveRow(db, "organizations", id, changes);
}
