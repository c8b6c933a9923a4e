import { setProductEmails, wantsProductEmails } from "@repo/db/emails";
import { z } from "zod";
import { protectedProcedure, router } from "../trpc/trpc.ts";
import { userDeleted } from "../users/user-directory.ts";

/** What the profile page shows and edits: the same preference the unsubscribe link turns off. */
export type EmailPreferences = { productEmails: boolean };

export const emailPreferencesRouter = router({
  /** The caller's own preferences. */
  get: protectedProcedure.query(async ({ ctx }): Promise<EmailPreferences> => {
    await ctx.users.ensureUser(ctx.auth.userId);
    return { productEmails: await wantsProductEmails(ctx.db, ctx.auth.userId) };
  }),

  /** Product emails (the profile follow-up) on or off. The welcome email is transactional and unaffected. */
  setProductEmails: protectedProcedure
    .input(z.strictObject({ productEmails: z.boolean() }))
    .mutation(async ({ ctx, input }): Promise<EmailPreferences> => {
      await ctx.users.ensureUser(ctx.auth.userId);
      if (!(await setProductEmails(ctx.db, ctx.auth.userId, input.productEmails))) throw userDeleted();
      return { productEmails: input.productEmails };
    }),
});
