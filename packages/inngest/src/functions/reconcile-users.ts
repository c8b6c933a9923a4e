import type { ClerkClient } from "@clerk/backend";
import type { Db } from "@repo/db/client";
import {
  addCounts,
  emptyCounts,
  failRunningReconciliation,
  finishReconciliationRun,
  startReconciliationRun,
} from "@repo/db/users";
import { cron, RetryAfterError } from "inngest";
import type { InngestClient } from "../client.ts";
import { usersReconcileRequested } from "../events.ts";
import { CLERK_PAGE_SIZE, ClerkRateLimitedError } from "../reconcile/clerk-user-list.ts";
import { reconcilePage, tombstoneUnlistedBatch } from "../reconcile/reconcile-steps.ts";

export const DEFAULT_RECONCILE_CRON = "0 3 * * *";

/**
 * Makes `users` equal to Clerk again, daily and on demand (`app/users.reconcile.requested`): webhooks
 * can be lost (endpoint down for days, users older than the webhook, a bad deploy). One step per page
 * of Clerk's list, so a failure resumes where it stopped; users absent from Clerk are tombstoned only
 * after the whole listing succeeded. `singleton` skips a new run while one is going.
 */
export function createReconcileUsersFunction(
  inngest: InngestClient,
  deps: { db: Db; clerk: ClerkClient },
  schedule = DEFAULT_RECONCILE_CRON,
) {
  return inngest.createFunction(
    {
      id: "reconcile-users",
      name: "Reconcile the users table with Clerk",
      triggers: [cron(schedule), usersReconcileRequested],
      singleton: { mode: "skip" },
      retries: 10,
      // Runs once the retries are spent. The error text is for operators: the log here and the run's row,
      // never the users (sync.lastReconciliation shows them the status alone).
      onFailure: async ({ error, logger }) => {
        logger.error({ err: error }, "reconcile-users failed after its retries");
        await failRunningReconciliation(deps.db, error.message);
      },
    },
    async ({ event, step }) => {
      const trigger = event.name === usersReconcileRequested.name ? "requested" : "cron";
      const run = await step.run("start-run", async () => {
        const started = await startReconciliationRun(deps.db, trigger);
        return { id: started.id, startedAt: started.started_at.toISOString() };
      });
      const startedAt = new Date(run.startedAt);
      let counts = emptyCounts();
      for (let offset = 0; ; offset += CLERK_PAGE_SIZE) {
        const page = await step.run(`reconcile-page-${offset}`, () =>
          retryAfterRateLimit(() => reconcilePage(deps, offset, startedAt)),
        );
        counts = addCounts(counts, page);
        if (page.isLastPage) break;
      }
      for (let batch = 0; ; batch++) {
        const result = await step.run(`tombstone-unlisted-${batch}`, () =>
          retryAfterRateLimit(() => tombstoneUnlistedBatch(deps, startedAt)),
        );
        counts = addCounts(counts, result.counts);
        if (!result.hasMore) break;
      }
      await step.run("finish-run", () => finishReconciliationRun(deps.db, run.id, { status: "succeeded", counts }));
      return counts;
    },
  );
}

/** A 429 from Clerk becomes Inngest's RetryAfterError, so the step is retried when Clerk says, not sooner. */
export async function retryAfterRateLimit<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ClerkRateLimitedError)
      throw new RetryAfterError(error.message, error.retryAfterSeconds * 1000);
    throw error;
  }
}
