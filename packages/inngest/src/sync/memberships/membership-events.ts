import { clerkMembershipJsonSchema } from "@repo/clerk/memberships";
import { forwardedEventName } from "@repo/clerk/webhooks";
import { eventType } from "inngest";

/**
 * Clerk's membership webhooks as Inngest events `clerk/<type>`, each carrying the whole membership
 * (the delete too): either the webhook's reduced membership or Clerk's whole one (Inngest's own Clerk
 * integration). A function triggered by these types has Inngest validate each event against the schema
 * first; the batched sync functions trigger on the names alone and parse each event themselves.
 */
export const clerkMembershipCreated = eventType(forwardedEventName("organizationMembership.created"), {
  schema: clerkMembershipJsonSchema,
});
export const clerkMembershipUpdated = eventType(forwardedEventName("organizationMembership.updated"), {
  schema: clerkMembershipJsonSchema,
});
export const clerkMembershipDeleted = eventType(forwardedEventName("organizationMembership.deleted"), {
  schema: clerkMembershipJsonSchema,
});
