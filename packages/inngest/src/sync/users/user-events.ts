import { clerkDeletedUserSchema, clerkUserJsonSchema } from "@repo/clerk/users";
import { forwardedEventName } from "@repo/clerk/webhooks";
import { eventType } from "inngest";

/**
 * Clerk's user webhooks, forwarded to Inngest as `clerk/<type>`, the names Clerk's own Inngest
 * transformation template uses. Our webhook sends only the fields the functions read (see
 * reduceClerkUser in @repo/clerk); Inngest's own Clerk integration sends Clerk's whole `data`, and the schemas
 * accept both. A function triggered by the event type itself (the welcome workflow) has Inngest validate
 * the event against its schema before the handler runs: one that cannot be a user fails at once
 * (NonRetriableError), naming the field. The batched sync functions trigger on the name alone and parse
 * each event themselves (see createBatchedSyncFunction), so one bad event never fails its batch.
 */
export const clerkUserCreated = eventType(forwardedEventName("user.created"), { schema: clerkUserJsonSchema });
export const clerkUserUpdated = eventType(forwardedEventName("user.updated"), { schema: clerkUserJsonSchema });
export const clerkUserDeleted = eventType(forwardedEventName("user.deleted"), { schema: clerkDeletedUserSchema });
