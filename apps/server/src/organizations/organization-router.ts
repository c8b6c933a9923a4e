import { findLiveMembers } from "@repo/db/memberships";
import { updateOrganizationProfile } from "@repo/db/organizations";
import { z } from "zod";
import { orgAdminProcedure, orgProcedure, router } from "../trpc/trpc.ts";
import { userText } from "../validation/user-text.ts";
import { organizationDeleted } from "./organization-directory.ts";
import { type Member, type Organization, toMember, toOrganization } from "./organization-view.ts";

/**
 * Absent leaves the description as it is; null or blank clears it. Strict: an organization id (or any
 * other key) in the input is refused, because the organization is always the session's.
 */
export const organizationProfileInput = z.strictObject({
  description: userText({ label: "Description", max: 500, multiline: true }).nullable().optional(),
});

/**
 * The input of a procedure that takes none. Refused (400) when present, so a caller naming an organization
 * learns it is not how to pick one, instead of silently getting the session's.
 */
const noInput = z.undefined();

/** The session's active organization (ctx.auth.orgId, from Clerk's verified claims), never one from input. */
export const organizationRouter = router({
  current: orgProcedure.input(noInput).query(async ({ ctx }): Promise<Organization> => {
    return toOrganization(await ctx.organizations.ensureOrganization(ctx.auth.orgId));
  }),

  /** The live members, as the membership sync stored them, joined to `users` where we have the user. */
  members: orgProcedure.input(noInput).query(async ({ ctx }): Promise<Member[]> => {
    await ctx.organizations.ensureOrganization(ctx.auth.orgId);
    return (await findLiveMembers(ctx.db, ctx.auth.orgId)).map(toMember);
  }),

  /** Edits the app-owned description; only the organization's admins may (Clerk's `org:admin` role). */
  updateProfile: orgAdminProcedure
    .input(organizationProfileInput)
    .mutation(async ({ ctx, input }): Promise<Organization> => {
      await ctx.organizations.ensureOrganization(ctx.auth.orgId);
      const updated = await updateOrganizationProfile(ctx.db, ctx.auth.orgId, { description: input.description });
      if (!updated) throw organizationDeleted();
      return toOrganization(updated);
    }),
});
