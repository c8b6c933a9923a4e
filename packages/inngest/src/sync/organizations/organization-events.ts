import { clerkDeletedOrganizationSchema, clerkOrganizationJsonSchema } from "@repo/clerk/organizations";
import { forwardedEventName } from "@repo/clerk/webhooks";
import { eventType } from "inngest";

/**
 * Clerk's organization webhooks as Inngest events `clerk/<type>`, validated by Inngest against these
 * schemas before a handler runs (a bad one fails at once, naming the field, and writes nothing). They
 * carry either the webhook's reduced organization or Clerk's whole one (Inngest's own Clerk
 * integration).
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
