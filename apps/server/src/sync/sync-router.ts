import {
  countsOfRun,
  findLatestReconciliationRun,
  type ReconciliationCounts,
  type ReconciliationRun,
} from "@repo/db/reconciliation-runs";
import { protectedProcedure, router } from "../trpc/trpc.ts";

/** What every signed-in user may know about a reconciliation run: users' counts at the top level. */
export type ReconciliationSummary = ReconciliationCounts & {
  id: number;
  /** `incremental`: only the users Clerk changed since the last run, nothing tombstoned (zeros elsewhere). */
  kind: ReconciliationRun["kind"];
  status: ReconciliationRun["status"];
  trigger: string;
  startedAt: Date;
  finishedAt: Date | null;
  /** Users, organizations and memberships Clerk returned that could not be stored. */
  skipped: number;
  organizations: ReconciliationCounts;
  memberships: ReconciliationCounts;
};

export const syncRouter = router({
  /** When the tables were last reconciled with Clerk, and what that changed (null: never). */
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
  const counts = countsOfRun(run);
  return {
    id: run.id,
    kind: run.kind,
    status: run.status,
    trigger: run.trigger,
    startedAt: run.started_at,
    finishedAt: run.finished_at,
    ...counts.users,
    skipped: run.skipped,
    organizations: counts.organizations,
    memberships: counts.memberships,
  };
}
