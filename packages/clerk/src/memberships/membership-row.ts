import type { ClerkMembershipJson } from "./clerk-membership.ts";

/**
 * Maps a validated Clerk membership to the columns a sync writes (its organization maps on its own). No
 * import of @repo/db, not even of its row types: the Clerk model knows nothing of the database, and the
 * returned objects are checked against @repo/db's MembershipSyncRow and MembershipRef where they are
 * written (upsertMembershipsFromClerk, markMembershipDeleted).
 */
export function membershipSyncRowFromClerk(membership: ClerkMembershipJson) {
  const user = membership.public_user_data;
  return {
    id: membership.id,
    organization_id: membership.organization.id,
    user_id: user.user_id,
    role: membership.role,
    user_identifier: user.identifier ?? null,
    user_first_name: user.first_name ?? null,
    user_last_name: user.last_name ?? null,
    user_image_url: user.image_url ?? null,
    clerk_created_at: new Date(membership.created_at),
    clerk_updated_at: new Date(membership.updated_at),
  };
}

/** Which membership, of which organization and user: what its tombstone needs. */
export function membershipRefFromClerk(membership: ClerkMembershipJson) {
  return {
    id: membership.id,
    organization_id: membership.organization.id,
    user_id: membership.public_user_data.user_id,
  };
}
