import { findLatestReconciliationRun, type ReconciliationRun } from "@repo/db/users";
import { protectedProcedure, router } from "../trpc/trpc.ts";

/** What every signed-in user may know about a reconciliation run. */
export type ReconciliationSummary = {
  id: number;
  status: ReconciliationRun["status"];
  trigger: string;
  startedAt: Date;
  finishedAt: Date | null;
  listed: number;
  created: number;
  updated: number;
  unchanged: number;
  tombstoned: number;
  skipped: number;
};

export const syncRouter = router({
  /** When the users table was last reconciled with Clerk, and what that changed (null: never). */
  lastReconciliation: protectedProcedure.query(async ({ ctx }): Promise<ReconciliationSummary | null> => {
    const run = await findLatestReconciliationRun(ctx.db);
    return run ? summariseRun(run) : null;
  }),
});

/**
 * The status and counts, named field by field so a new column never reaches users by default. The
 * error text (Clerk's and the database's own words), the skipped users' ids and the Inngest run id
 * are for operators: the server log and the table.
 */
function summariseRun(run: ReconciliationRun): ReconciliationSummary {
  return {
    id: run.id,
    status: run.status,
    trigger: run.trigger,
    startedAt: run.started_at,
    finishedAt: run.finished_at,
    listed: run.listed,
    created: run.created,
    updated: run.updated,
    unchanged: run.unchanged,
    tombstoned: run.tombstoned,
    skipped: run.skipped,
  };
}
