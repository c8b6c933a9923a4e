import type { Db } from "@repo/db/client";
import { failInngestReconciliationRun, startReconciliationRun } from "@repo/db/reconciliation-runs";
import { cron, type FailureEventArgs, type Logger, RetryAfterError } from "inngest";
import type { InngestClient } from "../../client.ts";
import { ClerkRateLimitedError } from "./clerk-requests.ts";
import { reconcileRequested } from "./events.ts";
import { driveReconciliation, type RunStep } from "./reconcile-driver.ts";
import type { ReconcileDeps } from "./reconcile-steps.ts";
import { DEFAULT_TOMBSTONE_LIMIT, parseTombstoneLimit, type TombstoneLimit } from "./tombstone-limit.ts";

export const DEFAULT_RECONCILE_CRON = "0 3 * * *";

export type ReconcileFunctionDeps = ReconcileDeps & {
  /** Above this, a run stops before tombstoning anyone (DEFAULT_TOMBSTONE_LIMIT when not given). */
  tombstoneLimit?: TombstoneLimit | undefined;
};

/**
 * Makes `users`, `organizations` and `organization_memberships` equal to Clerk again, daily and on
 * demand (`app/users.reconcile.requested`): webhooks can be lost (endpoint down for days, objects older
 * than the webhook, a bad deploy). One step per page of Clerk's lists (driveReconciliation), so a
 * failure resumes where it stopped; what Clerk no longer has is tombstoned only after the whole listing
 * succeeded, and only as much as the tombstone limit allows unless the event says `allowMassTombstone`.
 * `singleton` skips a new run while one is going.
 */
export function createReconcileFunction(
  inngest: InngestClient,
  deps: ReconcileFunctionDeps,
  schedule = DEFAULT_RECONCILE_CRON,
) {
  const limit = parseTombstoneLimit(deps.tombstoneLimit ?? DEFAULT_TOMBSTONE_LIMIT);
  // The id (and the event's name) date from when only users were reconciled. Inngest keys runs, history
  // and the singleton on them, so they stay.
  const id = "reconcile-users";
  return inngest.createFunction(
    {
      id,
      name: "Reconcile users, organizations and memberships with Clerk",
      triggers: [cron(schedule), reconcileRequested],
      retries: 10,
      ...reconciliationRunHandling(deps.db, id),
    },
    async ({ event, step, runId, logger }) => {
      const isRequested = event.name === reconcileRequested.name;
      // The incremental function's (reconcile-incremental-function.ts): this one has nothing to do.
      if (isRequested && event.data.mode === "incremental") return { status: "skipped", reason: "incremental request" };
      const allowMassTombstone = isRequested && event.data.allowMassTombstone === true;
      const run = await step.run("start-run", async () => {
        const started = await startReconciliationRun(deps.db, isRequested ? "requested" : "cron", {
          inngestRunId: runId,
          massTombstoneAllowed: allowMassTombstone,
        });
        return { id: started.id, startedAt: started.started_at.toISOString() };
      });
      const runRef = { id: run.id, startedAt: new Date(run.startedAt) };
      const outcome = await driveReconciliation(deps, runRef, inngestUnits(step), { limit, allowMassTombstone });
      const summary = {
        status: outcome.status,
        ...outcome.counts,
        skipped: outcome.skipped.length,
        organizations: outcome.organizationCounts,
        memberships: outcome.membershipCounts,
        // Said only when off, as stopReason only when stopped: Clerk's new instances start that way.
        ...(outcome.organizationsEnabled ? {} : { organizationsOff: true }),
      };
      const { stopReason } = outcome.tombstoneCheck;
      if (stopReason === undefined) return summary;
      logger.warn(stopReason);
      return { ...summary, stopReason };
    },
  );
}

/**
 * What both reconciliation functions do about their runs: a new run is skipped while one is going
 * (`singleton`), and once a run's retries are spent, `onFailure` ends that run's row only:
 * `event.data.run_id` is the failed run, whose id start-run recorded. The error text is for operators:
 * the log here and the run's row, never the users (sync.lastReconciliation shows them the status alone).
 */
export function reconciliationRunHandling(db: Db, functionId: string) {
  return {
    singleton: { mode: "skip" },
    onFailure: async ({ event, error, logger }: FailureEventArgs & { logger: Logger }) => {
      logger.error({ err: error }, `${functionId} failed after its retries`);
      await failInngestReconciliationRun(db, event.data.run_id, error.message);
    },
  } as const;
}

/**
 * Units of work as Inngest steps, each retried on its own. Every unit returns plain JSON (see RunStep),
 * so what step.run hands back is the unit's own value.
 */
export function inngestUnits(step: { run: (name: string, work: () => Promise<unknown>) => Promise<unknown> }): RunStep {
  return <T>(name: string, work: () => Promise<T>) => step.run(name, () => retryAfterRateLimit(work)) as Promise<T>;
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
