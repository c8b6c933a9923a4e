import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import { authRouter } from "../auth/auth-router.ts";
import { organizationRouter } from "../organizations/organization-router.ts";
import { syncRouter } from "../sync/sync-router.ts";
import { userRouter } from "../users/user-router.ts";
import { router } from "./trpc.ts";

export const appRouter = router({
  auth: authRouter,
  user: userRouter,
  org: organizationRouter,
  sync: syncRouter,
});

/** The web app imports only these types, never the router itself. */
export type AppRouter = typeof appRouter;
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
