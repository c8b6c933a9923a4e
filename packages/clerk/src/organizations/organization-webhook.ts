import { mapParsed, type ParseResult } from "../parse-result.ts";
import {
  type ClerkDeletedOrganization,
  type ClerkOrganizationJson,
  parseClerkOrganization,
  parseDeletedClerkOrganization,
} from "./clerk-organization.ts";

/** Clerk's organization webhooks this app forwards, by Clerk's name. */
export const clerkOrganizationWebhookTypes = [
  "organization.created",
  "organization.updated",
  "organization.deleted",
] as const;

export type ClerkOrganizationWebhookType = (typeof clerkOrganizationWebhookTypes)[number];

/** Validates the `data` of an organization webhook we forward, and reduces it to what the functions read. */
export function parseClerkOrganizationEventData(
  type: ClerkOrganizationWebhookType,
  data: unknown,
): ParseResult<ClerkOrganizationJson | ClerkDeletedOrganization> {
  if (type === "organization.deleted") {
    const deleted = parseDeletedClerkOrganization(data);
    return mapParsed(deleted, (organization) => ({ id: organization.id, deleted: true }));
  }
  return mapParsed(parseClerkOrganization(data), reduceClerkOrganization);
}

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
