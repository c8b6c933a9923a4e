import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { z } from "zod";
import { UserDeletedError } from "../users/user-directory.ts";
import type { Context } from "./context.ts";

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    return {
      ...shape,
      data: {
        ...shape.data,
        // Field messages for invalid input, so a form can show each next to its field.
        fieldErrors: cause instanceof z.ZodError ? z.flattenError(cause).fieldErrors : undefined,
        // Lets the web app tell "your account was deleted" apart from other refusals.
        reason: cause instanceof UserDeletedError ? ("user_deleted" as const) : undefined,
      },
    };
  },
});

export const router = t.router;
export const publicProcedure = t.procedure;

/**
 * Our `requireAuth()`: a request without a valid Clerk session gets UNAUTHORIZED (HTTP 401), never a
 * redirect. Past it, `ctx.auth.userId` is a string, so handlers never check again.
 */
export const protectedProcedure = t.procedure.use(({ ctx, next }) => {
  const { userId, sessionId } = ctx.auth;
  if (!userId) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to continue" });
  return next({ ctx: { ...ctx, auth: { userId, sessionId } } });
});
