import { findLatestReconciliationRun, type ReconciliationRun } from "@repo/db/users";
import { protectedProcedure, router } from "../trpc/trpc.ts";

export const syncRouter = router({
  /** When the users table was last reconciled with Clerk, and what that changed (null: never). */
  lastReconciliation: protectedProcedure.query(async ({ ctx }) => {
    const run = await findLatestReconciliationRun(ctx.db);
    return run ? withoutErrorText(run) : null;
  }),
});

/**
 * Every signed-in user may ask how the last run went, so they get its status and counts. The error
 * text is for operators only (Inngest's run history and the server log, where the failure happens): it
 * carries Clerk's and the database's own words.
 */
function withoutErrorText(run: ReconciliationRun): Omit<ReconciliationRun, "error"> {
  const { error: _error, ...visible } = run;
  return visible;
}
