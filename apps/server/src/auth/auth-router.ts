import { isOperator, protectedProcedure, router } from "../trpc/trpc.ts";

export const authRouter = router({
  /**
   * Who the server takes the caller to be; touches no database. Handy for clients checking a session, and
   * for the web app to know whether to offer the operators' console (which checks again on every call).
   */
  whoami: protectedProcedure.query(({ ctx }) => ({
    userId: ctx.auth.userId,
    sessionId: ctx.auth.sessionId,
    isOperator: isOperator(ctx.auth, ctx.operatorUserIds),
  })),
});
