import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import { authRouter } from "./auth/auth-router.ts";
import { emailPreferencesRouter } from "./emails/email-preferences-router.ts";
import { opsRouter } from "./ops/ops-router.ts";
import { organizationRouter } from "./organizations/organization-router.ts";
import { syncRouter } from "./sync/sync-router.ts";
import { router } from "./trpc/trpc.ts";
import { userRouter } from "./users/user-router.ts";

/**
 * The whole API: one router per feature, assembled here, above both the features and the tRPC plumbing
 * (trpc/) they are built with, so imports only ever run down.
 */
export const appRouter = router({
  auth: authRouter,
  user: userRouter,
  org: organizationRouter,
  sync: syncRouter,
  emailPreferences: emailPreferencesRouter,
  ops: opsRouter,
});

/** The web app imports only these types, never the router itself. */
export type AppRouter = typeof appRouter;
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
