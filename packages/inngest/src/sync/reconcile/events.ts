import { eventType } from "inngest";
import { z } from "zod";

/**
 * Asks for a reconciliation of the users table against Clerk's Backend API now, not at the next cron.
 * `allowMassTombstone: true` lets this one run tombstone more users than the limit allows, after a
 * run stopped for it and the deletions in Clerk turned out to be real.
 */
export const usersReconcileRequested = eventType("app/users.reconcile.requested", {
  schema: z.object({ reason: z.string().optional(), allowMassTombstone: z.boolean().optional() }),
});
