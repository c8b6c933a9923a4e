import { clerkDeletedUserSchema, clerkUserJsonSchema } from "@repo/db/users";
import { eventType } from "inngest";
import { z } from "zod";

/**
 * Clerk's user webhooks, forwarded to Inngest as `clerk/<type>` with Clerk's `data` unchanged, the
 * names Clerk's own Inngest transformation template uses. Inngest validates each event against its
 * schema before our handler runs: an event that cannot be a user fails at once (NonRetriableError)
 * with the offending field named, and writes nothing.
 */
export const clerkUserCreated = eventType("clerk/user.created", { schema: clerkUserJsonSchema });
export const clerkUserUpdated = eventType("clerk/user.updated", { schema: clerkUserJsonSchema });
export const clerkUserDeleted = eventType("clerk/user.deleted", { schema: clerkDeletedUserSchema });

/**
 * Asks for a reconciliation of the users table against Clerk's Backend API now, not at the next cron.
 * `allowMassTombstone: true` lets this one run tombstone more users than the limit allows, after a
 * run stopped for it and the deletions in Clerk turned out to be real.
 */
export const usersReconcileRequested = eventType("app/users.reconcile.requested", {
  schema: z.object({ reason: z.string().optional(), allowMassTombstone: z.boolean().optional() }),
});

/** The Clerk webhook types we forward, by Clerk's name (`user.created`) */
export const clerkUserEventTypes = {
  "user.created": clerkUserCreated,
  "user.updated": clerkUserUpdated,
  "user.deleted": clerkUserDeleted,
} as const;

export type ClerkUserWebhookType = keyof typeof clerkUserEventTypes;

export function isForwardedClerkEvent(type: string): type is ClerkUserWebhookType {
  return Object.hasOwn(clerkUserEventTypes, type);
}
