import { findLatestReconciliationRun } from "@repo/db/users";
import { protectedProcedure, router } from "../trpc/trpc.ts";

export const syncRouter = router({
  /** When the users table was last reconciled with Clerk, and what that changed (null: never). */
  lastReconciliation: protectedProcedure.query(async ({ ctx }) => (await findLatestReconciliationRun(ctx.db)) ?? null),
});
