import { clerkDeletedUserSchema, clerkUserJsonSchema } from "@repo/clerk/users";
import { clerkObjectEvents } from "../clerk-object-events.ts";

/**
 * Clerk's user webhooks as Inngest events. Our webhook sends only the fields the functions read (see
 * reduceClerkUser in @repo/clerk).
 */
export const clerkUserEvents = clerkObjectEvents("user", {
  live: clerkUserJsonSchema,
  deleted: clerkDeletedUserSchema,
});
