import type { ClerkClient } from "@clerk/backend";
import type { Db } from "@repo/db/client";
import {
  addCounts,
  emptyCounts,
  failInngestReconciliationRun,
  finishReconciliationRun,
  type SkippedUser,
  startReconciliationRun,
} from "@repo/db/users";
import { cron, RetryAfterError } from "inngest";
import type { InngestClient } from "../client.ts";
import { CLERK_PAGE_SIZE, ClerkRateLimitedError } from "../reconcile/clerk-user-list.ts";
import { usersReconcileRequested } from "../reconcile/events.ts";
import { checkTombstoneLimit, reconcilePage, tombstoneUnlistedBatch } from "../reconcile/reconcile-steps.ts";
import { DEFAULT_TOMBSTONE_LIMIT, parseTombstoneLimit, type TombstoneLimit } from "../reconcile/tombstone-limit.ts";

export const DEFAULT_RECONCILE_CRON = "0 3 * * *";

export type ReconcileUsersDeps = {
  db: Db;
  clerk: ClerkClient;
  /** Above this, a run stops before tombstoning anyone (DEFAULT_TOMBSTONE_LIMIT when not given). */
  tombstoneLimit?: TombstoneLimit | undefined;
};

/**
 * Makes `users` equal to Clerk again, daily and on demand (`app/users.reconcile.requested`): webhooks
 * can be lost (endpoint down for days, users older than the webhook, a bad deploy). One step per page
 * of Clerk's list, so a failure resumes where it stopped; users absent from Clerk are tombstoned only
 * after the whole listing succeeded, and only as many as the tombstone limit allows unless the event
 * says `allowMassTombstone`. `singleton` skips a new run while one is going.
 */
export function createReconcileUsersFunction(
  inngest: InngestClient,
  deps: ReconcileUsersDeps,
  schedule = DEFAULT_RECONCILE_CRON,
) {
  const limit = parseTombstoneLimit(deps.tombstoneLimit ?? DEFAULT_TOMBSTONE_LIMIT);
  return inngest.createFunction(
    {
      id: "reconcile-users",
      name: "Reconcile the users table with Clerk",
      triggers: [cron(schedule), usersReconcileRequested],
      singleton: { mode: "skip" },
      retries: 10,
      // Runs once the retries are spent, and ends this run's row only: `event.data.run_id` is the failed
      // run, whose id start-run recorded. The error text is for operators: the log here and the run's
      // row, never the users (sync.lastReconciliation shows them the status alone).
      onFailure: async ({ event, error, logger }) => {
        logger.error({ err: error }, "reconcile-users failed after its retries");
        await failInngestReconciliationRun(deps.db, event.data.run_id, error.message);
      },
    },
    async ({ event, step, runId, logger }) => {
      const isRequested = event.name === usersReconcileRequested.name;
      const allowMassTombstone = isRequested && event.data.allowMassTombstone === true;
      const run = await step.run("start-run", async () => {
        const started = await startReconciliationRun(deps.db, isRequested ? "requested" : "cron", {
          inngestRunId: runId,
          massTombstoneAllowed: allowMassTombstone,
        });
        return { id: started.id, startedAt: started.started_at.toISOString() };
      });
      const runRef = { id: run.id, startedAt: new Date(run.startedAt) };
      let counts = emptyCounts();
      let skippedUsers: SkippedUser[] = [];
      for (let offset = 0; ; offset += CLERK_PAGE_SIZE) {
        const page = await step.run(`reconcile-page-${offset}`, () =>
          retryAfterRateLimit(() => reconcilePage(deps, offset, runRef.startedAt)),
        );
        counts = addCounts(counts, page);
        skippedUsers = [...skippedUsers, ...page.skipped];
        if (page.isLastPage) break;
      }
      const verdict = await step.run("check-tombstone-limit", () =>
        checkTombstoneLimit(deps.db, runRef, { limit, allowMassTombstone }),
      );
      if (verdict.stopReason !== undefined) {
        const error = verdict.stopReason;
        logger.warn(error);
        await step.run("finish-run", () =>
          finishReconciliationRun(deps.db, run.id, { status: "stopped", counts, skippedUsers, error }),
        );
        return { status: "stopped" as const, ...counts, skipped: skippedUsers.length, stopReason: error };
      }
      for (let batch = 0; ; batch++) {
        const result = await step.run(`tombstone-unlisted-${batch}`, () =>
          retryAfterRateLimit(() => tombstoneUnlistedBatch(deps, runRef.startedAt)),
        );
        counts = addCounts(counts, result.counts);
        skippedUsers = [...skippedUsers, ...result.skipped];
        if (!result.hasMore) break;
      }
      await step.run("finish-run", () =>
        finishReconciliationRun(deps.db, run.id, { status: "succeeded", counts, skippedUsers }),
      );
      return { status: "succeeded" as const, ...counts, skipped: skippedUsers.length };
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
