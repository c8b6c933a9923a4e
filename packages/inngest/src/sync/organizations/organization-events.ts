import { clerkDeletedOrganizationSchema, clerkOrganizationJsonSchema } from "@repo/clerk/organizations";
import { forwardedEventName } from "@repo/clerk/webhooks";
import { eventType } from "inngest";

/**
 * Clerk's organization webhooks as Inngest events `clerk/<type>`. They carry either the webhook's
 * reduced organization or Clerk's whole one (Inngest's own Clerk integration). A function triggered by
 * these types has Inngest validate each event against the schema first; the batched sync functions
 * trigger on the names alone and parse each event themselves, so one bad event never fails its batch.
 */
export const clerkOrganizationCreated = eventType(forwardedEventName("organization.created"), {
  schema: clerkOrganizationJsonSchema,
});
export const clerkOrganizationUpdated = eventType(forwardedEventName("organization.updated"), {
  schema: clerkOrganizationJsonSchema,
});
export const clerkOrganizationDeleted = eventType(forwardedEventName("organization.deleted"), {
  schema: clerkDeletedOrganizationSchema,
});
