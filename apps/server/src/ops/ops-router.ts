import { z } from "zod";
import { operatorProcedure, router } from "../trpc/trpc.ts";
import { readOpsStatus } from "./ops-status.ts";

const reconcileInput = z
  .object({
    mode: z.enum(["full", "incremental"]),
    allowMassTombstone: z.boolean().optional(),
  })
  // Only a full run tombstones, so only a full run can be let past the tombstone limit; an override on
  // an incremental run would be silently ignored, and an operator must not believe it took effect.
  .refine((input) => input.mode === "full" || input.allowMassTombstone !== true, {
    path: ["allowMassTombstone"],
    message: "only a full reconciliation tombstones: allowMassTombstone needs mode: full",
  });

/** The operators' console: the sync's health, and a reconciliation on demand. Operators only (OPERATOR_USER_IDS). */
export const opsRouter = router({
  status: operatorProcedure.query(({ ctx }) => readOpsStatus(ctx.db, ctx.ops.countClerkUsers)),

  /** Sends `app/users.reconcile.requested`; the run's row appears in `status` once Inngest starts it. */
  reconcile: operatorProcedure.input(reconcileInput).mutation(async ({ ctx, input }) => {
    const eventId = await ctx.ops.requestReconciliation(input);
    ctx.logger.info(
      { userId: ctx.auth.userId, mode: input.mode, allowMassTombstone: input.allowMassTombstone ?? false, eventId },
      "an operator asked for a reconciliation",
    );
    return { eventId };
  }),
});
