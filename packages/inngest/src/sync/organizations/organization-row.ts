import type { OrganizationSyncRow } from "@repo/db/organizations";
import type { ClerkOrganizationJson } from "./clerk-organization.ts";

/** Maps a validated Clerk organization to the columns a sync writes. */
export function organizationSyncRowFromClerk(organization: ClerkOrganizationJson): OrganizationSyncRow {
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
