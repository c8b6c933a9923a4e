import { clerkMembershipJsonSchema } from "@repo/clerk/memberships";
import { clerkObjectEvents } from "../clerk-object-events.ts";

/** Clerk's membership webhooks as Inngest events, each carrying the whole membership (the delete too). */
export const clerkMembershipEvents = clerkObjectEvents("organizationMembership", {
  live: clerkMembershipJsonSchema,
  deleted: clerkMembershipJsonSchema,
});
