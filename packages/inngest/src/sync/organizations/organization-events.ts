import { clerkDeletedOrganizationSchema, clerkOrganizationJsonSchema } from "@repo/clerk/organizations";
import { clerkObjectEvents } from "../clerk-object-events.ts";

/** Clerk's organization webhooks as Inngest events. */
export const clerkOrganizationEvents = clerkObjectEvents("organization", {
  live: clerkOrganizationJsonSchema,
  deleted: clerkDeletedOrganizationSchema,
});
