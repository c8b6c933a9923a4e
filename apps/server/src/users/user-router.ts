import { updateUserProfile } from "@repo/db/users";
import { z } from "zod";
import { protectedProcedure, router } from "../trpc/trpc.ts";
import { userText } from "../validation/user-text.ts";
import { userDeleted } from "./user-directory.ts";

/** Absent leaves a field as it is; null or blank clears it (stored as null, not as ""). */
export const profileInput = z.strictObject({
  displayName: userText({ label: "Display name", max: 80, multiline: false }).nullable().optional(),
  bio: userText({ label: "Bio", max: 500, multiline: true }).nullable().optional(),
});

export type ProfileInput = z.input<typeof profileInput>;

export const userRouter = router({
  /** The caller's own row; there is deliberately no way to ask for anyone else's. */
  me: protectedProcedure.query(({ ctx }) => ctx.users.ensureUser(ctx.auth.userId)),

  /** Edits the caller's app-owned fields; Clerk-owned fields are changed in Clerk, not here. */
  updateProfile: protectedProcedure.input(profileInput).mutation(async ({ ctx, input }) => {
    await ctx.users.ensureUser(ctx.auth.userId);
    const updated = await updateUserProfile(ctx.db, ctx.auth.userId, {
      display_name: input.displayName,
      bio: input.bio,
    });
    if (!updated) throw userDeleted();
    return updated;
  }),
});
