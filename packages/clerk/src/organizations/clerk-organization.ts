import { z } from "zod";
import { clerkOrganizationId } from "../ids.ts";
import { type ParseResult, parseWith } from "../parse-result.ts";
import { deletedClerkObjectSchema, epochMillis, storableMetadata, storableString } from "../values.ts";

/**
 * Clerk's `OrganizationJSON` (the `data` of `organization.created` / `organization.updated` webhooks,
 * the `organization` inside every membership, and `raw` on the Backend API's Organization) as far as
 * this app reads it. Callers parse with parseClerkOrganization; the schema itself is exported for
 * Inngest, which validates each event against it. Unknown fields pass through untouched, so Clerk's
 * whole object and the webhook's reduced one both parse.
 */
export const clerkOrganizationJsonSchema = z.looseObject({
  id: clerkOrganizationId,
  object: z.literal("organization").optional(),
  name: storableString,
  // Null when the instance has organization slugs turned off.
  slug: storableString.nullish(),
  image_url: storableString.nullish(),
  public_metadata: storableMetadata.nullish(),
  created_at: epochMillis,
  updated_at: epochMillis,
});

export type ClerkOrganizationJson = z.infer<typeof clerkOrganizationJsonSchema>;

export const clerkDeletedOrganizationSchema = deletedClerkObjectSchema("organization", clerkOrganizationId);

export type ClerkDeletedOrganization = z.infer<typeof clerkDeletedOrganizationSchema>;

/** The one parser of an `organization.deleted` event's data: the webhook and the functions call it. */
export function parseDeletedClerkOrganization(value: unknown): ParseResult<ClerkDeletedOrganization> {
  return parseWith(clerkDeletedOrganizationSchema, value);
}

/** The one parser of a Clerk organization: the webhook, the functions, the lookup and reconciliation call it. */
export function parseClerkOrganization(value: unknown): ParseResult<ClerkOrganizationJson> {
  return parseWith(clerkOrganizationJsonSchema, value);
}
