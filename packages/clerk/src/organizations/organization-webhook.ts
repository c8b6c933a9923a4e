import type { ClerkOrganizationJson } from "./clerk-organization.ts";

/**
 * The part of a Clerk organization that is forwarded to Inngest: exactly what
 * organizationSyncRowFromClerk reads (id, name, slug, image_url, public_metadata, created_at,
 * updated_at). Private metadata, the creator's user id, member counts and whatever Clerk adds next stay
 * out of Inngest's event store. Also the organization inside a forwarded membership. A field the sync
 * starts reading must be added here.
 */
export function reduceClerkOrganization(organization: ClerkOrganizationJson): ClerkOrganizationJson {
  return {
    id: organization.id,
    name: organization.name,
    slug: organization.slug ?? null,
    image_url: organization.image_url ?? null,
    public_metadata: organization.public_metadata ?? null,
    created_at: organization.created_at,
    updated_at: organization.updated_at,
  };
}
