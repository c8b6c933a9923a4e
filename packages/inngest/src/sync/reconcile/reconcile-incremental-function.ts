import { cron } from "inngest";
import type { InngestClient } from "../../client.ts";
import { reconcileRequested } from "./events.ts";
import { inngestUnits, reconciliationRunHandling } from "./reconcile-function.ts";
import { driveIncrementalReconciliation, startIncrementalRun } from "./reconcile-incremental.ts";
import type { ReconcileDeps } from "./reconcile-steps.ts";

/** Every 5 minutes: a lost webhook is repaired within minutes, for one Backend API request when nothing changed. */
export const DEFAULT_INCREMENTAL_RECONCILE_CRON = "*/5 * * * *";

/**
 * The incremental reconciliation (reconcile-incremental.ts) on its own schedule (`schedule`; null: on
 * demand only) and on demand: `app/users.reconcile.requested` with `{ "mode": "incremental" }`. A run
 * that meets a running full run (or another incremental one) skips quietly.
 */
export function createIncrementalReconcileFunction(
  inngest: InngestClient,
  deps: ReconcileDeps,
  schedule: string | null = DEFAULT_INCREMENTAL_RECONCILE_CRON,
) {
  // A positive match: an event without `mode` is the full run's (reconcile-function.ts).
  const onDemand = { event: reconcileRequested, if: "event.data.mode == 'incremental'" };
  const id = "reconcile-users-incremental";
  return inngest.createFunction(
    {
      id,
      name: "Reconcile the users Clerk changed since the last run",
      triggers: schedule === null ? [onDemand] : [cron(schedule), onDemand],
      retries: 5,
      ...reconciliationRunHandling(deps.db, id),
    },
    async ({ event, step, runId, logger }) => {
      const isRequested = event.name === reconcileRequested.name;
      const run = await step.run("start-run", async () => {
        const started = await startIncrementalRun(deps.db, isRequested ? "requested" : "cron", {
          inngestRunId: runId,
        });
        if (!started) return null;
        return {
          id: started.id,
          startedAt: started.startedAt.toISOString(),
          since: started.since?.toISOString() ?? null,
        };
      });
      if (run === null) return { status: "skipped", reason: "a reconciliation is already running" };
      const outcome = await driveIncrementalReconciliation(
        deps,
        { id: run.id, startedAt: new Date(run.startedAt), since: run.since === null ? null : new Date(run.since) },
        inngestUnits(step),
      );
      // A listing that moved under it is recorded `failed` but is not an error to retry: the next run reads again.
      if (outcome.error !== undefined) logger.warn(outcome.error);
      return { status: outcome.status, ...outcome.counts, skipped: outcome.skipped.length };
    },
  );
}
