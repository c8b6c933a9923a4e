import { eventType } from "inngest";
import { z } from "zod";

/**
 * Asks for a reconciliation of users, organizations and memberships against Clerk's Backend API now,
 * not at the next cron. `allowMassTombstone: true` lets this one run tombstone more than the limit
 * allows, after a run stopped for it and the deletions in Clerk turned out to be real. (The name dates
 * from when only users were reconciled; senders use it, so it stays.)
 */
export const reconcileRequested = eventType("app/users.reconcile.requested", {
  schema: z.object({
    reason: z.string().optional(),
    allowMassTombstone: z.boolean().optional(),
    /** `incremental`: only the users changed since the last successful run, nothing tombstoned. */
    mode: z.enum(["full", "incremental"]).optional(),
  }),
});
