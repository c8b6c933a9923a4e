import type { ClerkOrganizationJson } from "./clerk-organization.ts";

/**
 * Maps a validated Clerk organization to the columns a sync writes. No import of @repo/db, not even of its row type:
 * the Clerk model knows nothing of the database, and the returned object is checked against
 * @repo/db's OrganizationSyncRow where it is written (upsertOrganizationsFromClerk).
 */
export function organizationSyncRowFromClerk(organization: ClerkOrganizationJson) {
  return {
    id: organization.id,
    name: organization.name,
    slug: organization.slug ?? null,
    image_url: organization.image_url ?? null,
    public_metadata: JSON.stringify(organization.public_metadata ?? {}),
    clerk_created_at: new Date(organization.created_at),
    clerk_updated_at: new Date(organization.updated_at),
  };
}
