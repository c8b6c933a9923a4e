import {
  type ClerkDeletedOrganization,
  type ClerkOrganizationJson,
  clerkDeletedOrganizationSchema,
  clerkOrganizationJsonSchema,
} from "@repo/clerk/organizations";
import { describeIssues, type ParseResult } from "@repo/clerk/parse-result";
import { eventType } from "inngest";

/**
 * Clerk's organization webhooks as Inngest events `clerk/<type>`, validated by Inngest against these
 * schemas before a handler runs (a bad one fails at once, naming the field, and writes nothing). They
 * carry either the webhook's reduced organization or Clerk's whole one (Inngest's own Clerk
 * integration).
 */
export const clerkOrganizationCreated = eventType("clerk/organization.created", {
  schema: clerkOrganizationJsonSchema,
});
export const clerkOrganizationUpdated = eventType("clerk/organization.updated", {
  schema: clerkOrganizationJsonSchema,
});
export const clerkOrganizationDeleted = eventType("clerk/organization.deleted", {
  schema: clerkDeletedOrganizationSchema,
});

/** The organization webhooks we forward, by Clerk's name (`organization.created`). */
export const clerkOrganizationEventTypes = {
  "organization.created": clerkOrganizationCreated,
  "organization.updated": clerkOrganizationUpdated,
  "organization.deleted": clerkOrganizationDeleted,
} as const;

export type ClerkOrganizationWebhookType = keyof typeof clerkOrganizationEventTypes;

/** Validates the `data` of an organization webhook we forward, and reduces it to what the functions read. */
export function parseClerkOrganizationEventData(
  type: ClerkOrganizationWebhookType,
  data: unknown,
): ParseResult<ClerkOrganizationJson | ClerkDeletedOrganization> {
  if (type === "organization.deleted") {
    const deleted = clerkDeletedOrganizationSchema.safeParse(data);
    if (!deleted.success) return { success: false, reason: describeIssues(deleted.error.issues) };
    return { success: true, data: { id: deleted.data.id, deleted: true } };
  }
  const organization = clerkOrganizationJsonSchema.safeParse(data);
  if (!organization.success) return { success: false, reason: describeIssues(organization.error.issues) };
  return { success: true, data: reduceClerkOrganization(organization.data) };
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
