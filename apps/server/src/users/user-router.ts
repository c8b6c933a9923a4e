import { updateUserProfile } from "@repo/db/users";
import { z } from "zod";
import { protectedProcedure, router } from "../trpc/trpc.ts";
import { userText } from "../validation/user-text.ts";
import { userDeleted } from "./user-directory.ts";
import { actorOf, type CurrentUser, toUserProfile, type UserProfile } from "./user-profile.ts";

/** Absent leaves a field as it is; null or blank clears it (stored as null, not as ""). */
export const profileInput = z.strictObject({
  displayName: userText({ label: "Display name", max: 80, multiline: false }).nullable().optional(),
  bio: userText({ label: "Bio", max: 500, multiline: true }).nullable().optional(),
});

export const userRouter = router({
  /** The caller's own profile; there is deliberately no way to ask for anyone else's. */
  me: protectedProcedure.query(async ({ ctx }): Promise<CurrentUser> => {
    const row = await ctx.users.ensureUser(ctx.auth.userId);
    return { profile: toUserProfile(row), actor: actorOf(ctx.auth) };
  }),

  /** Edits the caller's app-owned fields; Clerk-owned fields are changed in Clerk, not here. */
  updateProfile: protectedProcedure.input(profileInput).mutation(async ({ ctx, input }): Promise<UserProfile> => {
    await ctx.users.ensureUser(ctx.auth.userId);
    const updated = await updateUserProfile(ctx.db, ctx.auth.userId, {
      display_name: input.displayName,
      bio: input.bio,
    });
    if (!updated) throw userDeleted();
    // The welcome workflow waits for this before it would send "finish setting up your profile".
    if (input.displayName) ctx.userEvents?.profileCompleted(ctx.auth.userId);
    return toUserProfile(updated);
  }),
});
