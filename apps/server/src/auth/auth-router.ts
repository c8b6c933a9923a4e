import { protectedProcedure, router } from "../trpc/trpc.ts";

export const authRouter = router({
  /** Who the server takes the caller to be; touches no database. Handy for clients checking a session. */
  whoami: protectedProcedure.query(({ ctx }) => ({ userId: ctx.auth.userId, sessionId: ctx.auth.sessionId })),
});
