import { sql } from "kysely";
import type { OrganizationMembership } from "../schema.ts";
import { withSyncLocks } from "../sync/locks.ts";
import { type Erased, tombstoneSetList, writeTombstones } from "../sync/tombstones.ts";
import { type ClerkTimestamps, type Executor, newestPerId, type UpsertOutcome } from "../sync/types.ts";

/**
 * The columns a Clerk sync owns, as the sync maps them from Clerk's membership (see
 * @repo/clerk/memberships): most as the table types them, the rest narrower. `user_*` are Clerk's
 * `public_user_data`.
 */
export type MembershipSyncRow = ClerkTimestamps &
  Pick<
    OrganizationMembership,
    "id" | "organization_id" | "user_id" | "user_identifier" | "user_first_name" | "user_last_name" | "user_image_url"
  > & {
    /** Clerk always sends it: null in the table only on a tombstone. */
    role: string;
  };

/** Which membership, of which organization and user: what a tombstone needs. */
export type MembershipRef = Pick<MembershipSyncRow, "id" | "organization_id" | "user_id">;

/** A row this upsert created or changed, and whether it is live now (see upsertMembershipsFromClerk). */
export type MembershipUpsertOutcome = UpsertOutcome & { live: boolean };

/**
 * A membership's tombstone: everything but the id, its organization and user cleared (see Erased). It
 * erases nothing it does not own: the organization and the user rows stay as they are.
 */
const ERASED_MEMBERSHIP: Erased<"organization_memberships"> = {
  role: null,
  user_identifier: null,
  user_first_name: null,
  user_last_name: null,
  user_image_url: null,
  clerk_created_at: null,
  clerk_updated_at: null,
};

export async function findMembershipById(db: Executor, id: string): Promise<OrganizationMembership | undefined> {
  return db.selectFrom("organization_memberships").selectAll().where("id", "=", id).executeTakeFirst();
}

/**
 * Writes Clerk's view of these memberships, in one transaction. Returns the rows it created or
 * changed; a row missing from the result was left alone. The rules, all in the SQL below:
 *
 * - Versions: as for users, a stored `clerk_updated_at` the same or newer wins, and a tombstone is
 *   permanent (Clerk never reuses a membership id).
 * - A membership is written as a tombstone when its organization or its user is tombstoned: deleting
 *   either tombstones its memberships (markOrganizationsDeleted, markUsersDeleted), and a membership
 *   event delivered after that delete must end in the same state as one delivered before it.
 * - At most one live membership per organization and user, whatever the delivery order. Clerk has at
 *   most one membership per pair at a time; a member removed and added again gets a NEW id. So of two
 *   memberships of one pair, the one Clerk created later is the live one, and the older one has been
 *   deleted in Clerk, its delete perhaps still on its way. Hence, comparing (clerk_created_at, id):
 *     1. live memberships of the pair older than an incoming one are tombstoned first;
 *     2. an incoming membership older than a live one of its pair, or than another of its pair in
 *        the same batch, is written as a tombstone.
 *   So the old membership's late `updated`, or the new one's `created` arriving before the old one's
 *   `deleted`, never trips the partial unique index, and every order ends in the in-order state.
 * The organization and user locks (withSyncLocks) keep a concurrent delete of either, or another
 * upsert of the same pair, from slipping between these checks and the write.
 */
export async function upsertMembershipsFromClerk(
  db: Executor,
  rows: readonly MembershipSyncRow[],
): Promise<MembershipUpsertOutcome[]> {
  if (rows.length === 0) return [];
  const batch = newestPerId(rows);
  const keys = {
    organizationIds: batch.map((row) => row.organization_id),
    userIds: batch.map((row) => row.user_id),
  };
  return withSyncLocks(db, keys, async (trx) => {
    const now = new Date();
    const incoming = sql`
      select * from jsonb_to_recordset(${JSON.stringify(batch)}::jsonb) as incoming(
        id text, organization_id text, user_id text, role text, user_identifier text, user_first_name text,
        user_last_name text, user_image_url text, clerk_created_at timestamptz, clerk_updated_at timestamptz
      )`;
    // Rule 1: older live memberships of the same pairs end here.
    await sql`
      with incoming as (${incoming})
      update organization_memberships as m
      set ${tombstoneSetList(ERASED_MEMBERSHIP, now)}
      from incoming
      where m.deleted_at is null
        and m.organization_id = incoming.organization_id
        and m.user_id = incoming.user_id
        and m.id <> incoming.id
        and (m.clerk_created_at, m.id) < (incoming.clerk_created_at, incoming.id)`.execute(trx);
    // Rule 2 and the tombstoned organization or user: such a membership is written as a tombstone.
    const written = await sql<{ id: string; inserted: boolean; live: boolean }>`
      with incoming as (${incoming}),
      judged as (
        select incoming.*, (
          exists (
            select 1 from incoming as other
            where other.organization_id = incoming.organization_id and other.user_id = incoming.user_id
              and (other.clerk_created_at, other.id) > (incoming.clerk_created_at, incoming.id)
          )
          or exists (
            select 1 from organization_memberships as live
            where live.deleted_at is null
              and live.organization_id = incoming.organization_id and live.user_id = incoming.user_id
              and (live.clerk_created_at, live.id) > (incoming.clerk_created_at, incoming.id)
          )
          or exists (select 1 from organizations where id = incoming.organization_id and deleted_at is not null)
          or exists (select 1 from users where id = incoming.user_id and deleted_at is not null)
        ) as ended
        from incoming
      )
      insert into organization_memberships as m (
        id, organization_id, user_id, role, user_identifier, user_first_name, user_last_name, user_image_url,
        clerk_created_at, clerk_updated_at, deleted_at, synced_at
      )
      select id, organization_id, user_id,
        case when ended then null else role end,
        case when ended then null else user_identifier end,
        case when ended then null else user_first_name end,
        case when ended then null else user_last_name end,
        case when ended then null else user_image_url end,
        case when ended then null else clerk_created_at end,
        case when ended then null else clerk_updated_at end,
        case when ended then ${now}::timestamptz end,
        ${now}::timestamptz
      from judged
      -- Rows are written, and locked, in id order (see inIdOrder).
      order by id
      on conflict (id) do update set
        role = excluded.role,
        user_identifier = excluded.user_identifier,
        user_first_name = excluded.user_first_name,
        user_last_name = excluded.user_last_name,
        user_image_url = excluded.user_image_url,
        clerk_created_at = excluded.clerk_created_at,
        clerk_updated_at = excluded.clerk_updated_at,
        deleted_at = excluded.deleted_at,
        synced_at = excluded.synced_at,
        updated_at = now()
      -- A tombstone stays one. A live row takes a newer version, or ends whatever its version.
      where m.deleted_at is null
        and (
          excluded.deleted_at is not null
          or m.clerk_updated_at is null
          or m.clerk_updated_at < excluded.clerk_updated_at
        )
      -- xmax is 0 only for a row this statement inserted: how Postgres tells an insert from an update.
      returning m.id, (m.xmax = 0) as inserted, (m.deleted_at is null) as live`.execute(trx);
    return written.rows.map((row) => ({
      id: row.id,
      outcome: row.inserted ? "created" : "updated",
      live: row.live,
    }));
  });
}

/**
 * Tombstones memberships Clerk deleted, whatever their `updated_at` (Clerk's delete may carry the same
 * one as the last update). A membership never seen still leaves a tombstone, so its late `created`
 * cannot bring it back. Returns the ids that were not already tombstoned.
 */
export async function markMembershipsDeleted(db: Executor, memberships: readonly MembershipRef[]): Promise<string[]> {
  const identities = memberships.map(({ id, organization_id, user_id }) => ({ id, organization_id, user_id }));
  return writeTombstones(db, "organization_memberships", identities, ERASED_MEMBERSHIP);
}

/** markMembershipsDeleted for one membership; returns whether this call tombstoned it. */
export async function markMembershipDeleted(db: Executor, membership: MembershipRef): Promise<boolean> {
  return (await markMembershipsDeleted(db, [membership])).length > 0;
}

/**
 * Tombstones the live memberships of these organizations, or of these users: part of tombstoning
 * them, inside the transaction (and under the locks) that does. Rows are locked in id order first, so
 * an organization's and a user's tombstone touching the same memberships never deadlock.
 */
export async function tombstoneMembershipsOf(
  trx: Executor,
  of: { organizationIds: readonly string[] } | { userIds: readonly string[] },
): Promise<void> {
  const [column, ids] =
    "organizationIds" in of ? (["organization_id", of.organizationIds] as const) : (["user_id", of.userIds] as const);
  if (ids.length === 0) return;
  const locked = await trx
    .selectFrom("organization_memberships")
    .select("id")
    .where(column, "in", ids)
    .where("deleted_at", "is", null)
    .orderBy("id")
    .forUpdate()
    .execute();
  if (locked.length === 0) return;
  await sql`
    update organization_memberships set ${tombstoneSetList(ERASED_MEMBERSHIP, new Date())}
    where id in (${sql.join(locked.map((row) => row.id))})`.execute(trx);
}

/** A live member of an organization, as the app shows it. */
export type LiveMember = {
  membership_id: string;
  user_id: string;
  /** Clerk's role key, e.g. `org:admin`. */
  role: string;
  /**
   * From `users` when we have the user (kept current by the user sync), else from the membership's
   * `public_user_data` (what Clerk said when the membership last changed).
   */
  first_name: string | null;
  last_name: string | null;
  image_url: string | null;
  /** The user's app-owned display name; null without a `users` row. */
  display_name: string | null;
  /** The user's primary email address; null without a `users` row. */
  email: string | null;
  /** Clerk's identifier for the member (email address, username or phone number), from `public_user_data`. */
  identifier: string | null;
  /** When Clerk created the membership. */
  joined_at: Date;
};

/** The organization's live memberships, oldest first, joined to `users` where we have the user. */
export async function findLiveMembers(db: Executor, organizationId: string): Promise<LiveMember[]> {
  // A users row, when there is one, is the newer truth even where a field of it is null.
  const preferUser = (column: "first_name" | "last_name" | "image_url") =>
    sql<
      string | null
    >`case when u.id is not null then ${sql.ref(`u.${column}`)} else ${sql.ref(`m.user_${column}`)} end`;
  return db
    .selectFrom("organization_memberships as m")
    .leftJoin("users as u", (join) => join.onRef("u.id", "=", "m.user_id").on("u.deleted_at", "is", null))
    .select([
      "m.id as membership_id",
      "m.user_id",
      // Live memberships always have these: only a tombstone clears them.
      sql<string>`m.role`.as("role"),
      preferUser("first_name").as("first_name"),
      preferUser("last_name").as("last_name"),
      preferUser("image_url").as("image_url"),
      sql<string | null>`u.display_name`.as("display_name"),
      sql<string | null>`u.email`.as("email"),
      "m.user_identifier as identifier",
      sql<Date>`m.clerk_created_at`.as("joined_at"),
    ])
    .where("m.organization_id", "=", organizationId)
    .where("m.deleted_at", "is", null)
    .orderBy("m.clerk_created_at")
    .orderBy("m.id")
    .execute();
}
