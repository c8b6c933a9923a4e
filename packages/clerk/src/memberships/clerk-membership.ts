import { z } from "zod";
import { clerkMembershipId, clerkUserId } from "../ids.ts";
import { clerkOrganizationJsonSchema } from "../organizations/clerk-organization.ts";
import { type ParseResult, parseWith } from "../parse-result.ts";
import { epochMillis, storableString } from "../values.ts";

/**
 * Clerk's `OrganizationMembershipPublicUserDataJSON`: who the member is, as Clerk shows them to the
 * organization. `identifier` is the user's email address, username or phone number.
 */
export const clerkMembershipPublicUserDataSchema = z.looseObject({
  user_id: clerkUserId,
  identifier: storableString.nullish(),
  first_name: storableString.nullish(),
  last_name: storableString.nullish(),
  image_url: storableString.nullish(),
});

/**
 * Clerk's `OrganizationMembershipJSON`: the `data` of every `organizationMembership.*` webhook, the
 * delete included (Clerk sends the whole membership then too), and `raw` on the Backend API's
 * OrganizationMembership. Callers parse with parseClerkMembership; the schema itself is exported for
 * Inngest, which validates each event against it. It embeds the whole organization, parsed by the
 * organization's own schema.
 */
export const clerkMembershipJsonSchema = z.looseObject({
  id: clerkMembershipId,
  object: z.literal("organization_membership").optional(),
  // A role key such as `org:admin`.
  role: storableString.min(1),
  created_at: epochMillis,
  updated_at: epochMillis,
  organization: clerkOrganizationJsonSchema,
  public_user_data: clerkMembershipPublicUserDataSchema,
});

export type ClerkMembershipJson = z.infer<typeof clerkMembershipJsonSchema>;

/** The one parser of a Clerk membership: the webhook, the functions and reconciliation call it. */
export function parseClerkMembership(value: unknown): ParseResult<ClerkMembershipJson> {
  return parseWith(clerkMembershipJsonSchema, value);
}
