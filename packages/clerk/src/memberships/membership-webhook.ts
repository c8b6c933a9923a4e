import { reduceClerkOrganization } from "../organizations/organization-webhook.ts";
import type { ClerkMembershipJson } from "./clerk-membership.ts";

/**
 * The part of a Clerk membership that is forwarded to Inngest: exactly what membershipSyncRowFromClerk
 * and organizationSyncRowFromClerk read (id, role, created_at, updated_at, the organization as
 * reduceClerkOrganization leaves it, and public_user_data's user_id, identifier, first_name, last_name
 * and image_url). The membership's metadata, its permissions and whatever Clerk adds next stay out of
 * Inngest's event store. A field the sync starts reading must be added here.
 */
export function reduceClerkMembership(membership: ClerkMembershipJson): ClerkMembershipJson {
  const user = membership.public_user_data;
  return {
    id: membership.id,
    role: membership.role,
    created_at: membership.created_at,
    updated_at: membership.updated_at,
    organization: reduceClerkOrganization(membership.organization),
    public_user_data: {
      user_id: user.user_id,
      identifier: user.identifier ?? null,
      first_name: user.first_name ?? null,
      last_name: user.last_name ?? null,
      image_url: user.image_url ?? null,
    },
  };
}
