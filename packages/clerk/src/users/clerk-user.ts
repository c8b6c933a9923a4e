import { z } from "zod";
import { clerkUserId } from "../ids.ts";
import { type ParseResult, parseWith } from "../parse-result.ts";
import { clerkId, deletedClerkObjectSchema, epochMillis, storableMetadata, storableString } from "../values.ts";

/**
 * Clerk's `UserJSON` (the `data` of `user.created` / `user.updated` webhooks, and `raw` on the Backend
 * API's User) as far as this app reads it. Callers parse with parseClerkUser; the schema itself is
 * exported for Inngest, which validates each event against it. Unknown fields pass through
 * untouched: Clerk adds fields often, and a new one must never make a valid event fail.
 *
 * Clerk sends null for absent values; `nullish` also accepts a field left out.
 */

/** An email address is indexed: at most 254 characters in practice, and far below Postgres' index bound. */
const emailAddress = storableString.min(1).max(320);

export const clerkEmailAddressSchema = z.looseObject({
  id: clerkId,
  email_address: emailAddress,
});

export const clerkUserJsonSchema = z
  .looseObject({
    id: clerkUserId,
    object: z.literal("user").optional(),
    email_addresses: z.array(clerkEmailAddressSchema),
    primary_email_address_id: storableString.nullish(),
    username: storableString.nullish(),
    first_name: storableString.nullish(),
    last_name: storableString.nullish(),
    image_url: storableString.nullish(),
    public_metadata: storableMetadata.nullish(),
    created_at: epochMillis,
    updated_at: epochMillis,
    last_sign_in_at: epochMillis.nullish(),
  })
  .superRefine((user, ctx) => {
    const primaryId = user.primary_email_address_id;
    if (primaryId && !user.email_addresses.some((address) => address.id === primaryId)) {
      ctx.addIssue({
        code: "custom",
        path: ["primary_email_address_id"],
        message: `names ${primaryId}, which is not in email_addresses`,
      });
    }
  });

export type ClerkUserJson = z.infer<typeof clerkUserJsonSchema>;

export const clerkDeletedUserSchema = deletedClerkObjectSchema("user", clerkUserId);

export type ClerkDeletedUser = z.infer<typeof clerkDeletedUserSchema>;

/** The one parser of a `user.deleted` event's data: the webhook and the functions call it. */
export function parseDeletedClerkUser(value: unknown): ParseResult<ClerkDeletedUser> {
  return parseWith(clerkDeletedUserSchema, value);
}

/** The one parser of a Clerk user: the webhook, the functions, the lookup and reconciliation call it. */
export function parseClerkUser(value: unknown): ParseResult<ClerkUserJson> {
  return parseWith(clerkUserJsonSchema, value);
}

/** The address Clerk marks primary. Not `email_addresses[0]`: Clerk does not order the list that way. */
export function primaryEmailOf(user: Pick<ClerkUserJson, "email_addresses" | "primary_email_address_id">) {
  if (!user.primary_email_address_id) return null;
  return user.email_addresses.find((a) => a.id === user.primary_email_address_id)?.email_address ?? null;
}
