import { type ClerkUserJson, primaryEmailOf } from "./clerk-user.ts";

/**
 * Maps a validated Clerk user to the columns a sync writes. No import of @repo/db, not even of its row type:
 * the Clerk model knows nothing of the database, and the returned object is checked against
 * @repo/db's UserSyncRow where it is written (upsertUsersFromClerk).
 */
export function userSyncRowFromClerk(user: ClerkUserJson) {
  return {
    id: user.id,
    email: primaryEmailOf(user),
    username: user.username ?? null,
    first_name: user.first_name ?? null,
    last_name: user.last_name ?? null,
    image_url: user.image_url ?? null,
    public_metadata: JSON.stringify(user.public_metadata ?? {}),
    clerk_created_at: new Date(user.created_at),
    clerk_updated_at: new Date(user.updated_at),
    last_sign_in_at: user.last_sign_in_at == null ? null : new Date(user.last_sign_in_at),
  };
}
