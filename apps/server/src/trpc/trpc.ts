import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { z } from "zod";
import { UserDeletedError } from "../users/user-directory.ts";
import type { Context } from "./context.ts";
import { TRPC_MAX_BATCH_SIZE } from "./limits.ts";

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  // Left to itself tRPC sends stack traces unless NODE_ENV is "production". Whether callers see details
  // is configuration (AppDeps.exposeErrorDetails, carried in the context) and the formatter decides.
  isDev: false,
  errorFormatter({ shape, error, ctx }) {
    const cause = error.cause;
    const { stack: _stack, ...data } = shape.data;
    // An unexpected failure's message is a database's or an SDK's own words, and a refused body's is a
    // parser's, which tell a prober how we are built: the details go to the log (app.ts onError) and the
    // caller gets a fixed sentence (publicMessage), unless this is development and the details help.
    // Errors we raise on purpose (502 "Clerk did not answer", 403, 404) carry messages written for the
    // caller and keep them.
    const showDetails = ctx?.exposeErrorDetails === true;
    return {
      ...shape,
      message: showDetails ? shape.message : publicMessage(error.code, cause, shape.message),
      data: {
        ...data,
        ...(showDetails ? { stack: error.stack } : {}),
        // Field messages for invalid input, so a form can show each next to its field.
        fieldErrors: cause instanceof z.ZodError ? z.flattenError(cause).fieldErrors : undefined,
        // Lets the web app tell "your account was deleted" apart from other refusals.
        reason: cause instanceof UserDeletedError ? ("user_deleted" as const) : undefined,
      },
    };
  },
});

/**
 * What a caller outside development reads. Input that fails validation says so (each field's message is
 * in `fieldErrors`); a body tRPC or superjson could not read gets a fixed sentence rather than the
 * parser's own words (a stack overflow, a BigInt conversion); an unexpected failure says nothing more.
 */
function publicMessage(code: string, cause: unknown, message: string): string {
  if (code === "INTERNAL_SERVER_ERROR") return "Internal server error";
  if (code !== "BAD_REQUEST") return message;
  if (cause instanceof z.ZodError) return "Invalid input";
  return `The request could not be read: send tRPC's JSON, at most ${TRPC_MAX_BATCH_SIZE} calls a batch`;
}

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
