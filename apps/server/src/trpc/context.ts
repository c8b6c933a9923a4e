import type { Db } from "@repo/db/client";
import { type Logger, pino } from "pino";
import type { AuthState } from "../auth/auth-state.ts";
import type { UserEvents } from "../emails/user-events.ts";
import type { OpsServices } from "../ops/ops-services.ts";
import type { OrganizationDirectory } from "../organizations/organization-directory.ts";
import type { UserDirectory } from "../users/user-directory.ts";

export type ContextDeps = {
  db: Db;
  users: UserDirectory;
  organizations: OrganizationDirectory;
  /** Show callers what failed inside the server (messages, stacks); only development sets it. */
  exposeErrorDetails?: boolean;
  /** Events sent to Inngest (the welcome workflow's profile-completed); none when absent. */
  userEvents?: UserEvents | undefined;
  /** Where procedures log what an operator must be able to find (refusals, requested runs); silent when absent. */
  logger?: Logger | undefined;
  /** The Clerk user ids of the operators (OPERATOR_USER_IDS); nobody when absent. */
  operatorUserIds?: ReadonlySet<string> | undefined;
  /** Clerk's count and Inngest, for the operators' console; a console that can reach neither when absent. */
  ops?: OpsServices | undefined;
};

const noOps: OpsServices = {
  countClerkUsers: async () => ({ isAvailable: false, reason: "Clerk is not configured", countedAt: new Date() }),
  requestReconciliation: async () => {
    throw new Error("This server was built without Inngest for the operators' console");
  },
};

/**
 * The part of the context procedures use. Tests build it directly; the Express adapter builds it from
 * the request in app.ts.
 */
export function createInnerContext(deps: ContextDeps, auth: AuthState) {
  return {
    db: deps.db,
    users: deps.users,
    organizations: deps.organizations,
    auth,
    exposeErrorDetails: deps.exposeErrorDetails ?? false,
    userEvents: deps.userEvents,
    logger: deps.logger ?? pino({ level: "silent" }),
    operatorUserIds: deps.operatorUserIds ?? new Set<string>(),
    ops: deps.ops ?? noOps,
  };
}

export type Context = ReturnType<typeof createInnerContext>;
