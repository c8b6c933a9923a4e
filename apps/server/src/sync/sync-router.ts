import {
  countsOfRun,
  findLatestReconciliationRun,
  type ReconciliationCounts,
  type ReconciliationRun,
} from "@repo/db/reconciliation-runs";
import { protectedProcedure, router } from "../trpc/trpc.ts";
import { headlineOfRun, type RunHeadline } from "./run-headline.ts";

/** What every signed-in user may know about a reconciliation run: users' counts at the top level. */
export type ReconciliationSummary = RunHeadline &
  ReconciliationCounts & {
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
    ...headlineOfRun(run),
    ...counts.users,
    skipped: run.skipped,
    organizations: counts.organizations,
    memberships: counts.memberships,
  };
}
