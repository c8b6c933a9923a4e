import { updateUserProfile } from "@repo/db/users";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { protectedProcedure, router } from "../trpc/trpc.ts";
import { userText } from "../validation/user-text.ts";
import { ClerkUnavailableError, UserDeletedError, UserNotInClerkError } from "./user-directory.ts";

/** Absent leaves a field as it is; null or blank clears it (stored as null, not as ""). */
export const profileInput = z.strictObject({
  displayName: userText({ label: "Display name", max: 80, multiline: false }).nullable().optional(),
  bio: userText({ label: "Bio", max: 500, multiline: true }).nullable().optional(),
});

export type ProfileInput = z.input<typeof profileInput>;

export const userRouter = router({
  /** The caller's own row; there is deliberately no way to ask for anyone else's. */
  me: protectedProcedure.query(async ({ ctx }) => {
    try {
      return await ctx.users.ensureUser(ctx.auth.userId);
    } catch (error) {
      throw toTRPCError(error);
    }
  }),

  /** Edits the caller's app-owned fields; Clerk-owned fields are changed in Clerk, not here. */
  updateProfile: protectedProcedure.input(profileInput).mutation(async ({ ctx, input }) => {
    try {
      await ctx.users.ensureUser(ctx.auth.userId);
    } catch (error) {
      throw toTRPCError(error);
    }
    const updated = await updateUserProfile(ctx.db, ctx.auth.userId, {
      display_name: input.displayName,
      bio: input.bio,
    });
    if (!updated) throw toTRPCError(new UserDeletedError(ctx.auth.userId));
    return updated;
  }),
});

function toTRPCError(error: unknown): TRPCError {
  if (error instanceof UserDeletedError)
    return new TRPCError({
      code: "FORBIDDEN",
      message: "This account was deleted. Sign in with another account.",
      cause: error,
    });
  if (error instanceof UserNotInClerkError)
    return new TRPCError({ code: "NOT_FOUND", message: error.message, cause: error });
  if (error instanceof ClerkUnavailableError)
    return new TRPCError({ code: "BAD_GATEWAY", message: error.message, cause: error });
  // The cause's own message, for the log (and for the caller in development only: see trpc.ts).
  return new TRPCError({ code: "INTERNAL_SERVER_ERROR", cause: error });
}
