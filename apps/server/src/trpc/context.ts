import type { Db } from "@repo/db/client";
import type { AuthState } from "../auth/auth-state.ts";
import type { UserEvents } from "../emails/user-events.ts";
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
  };
}

export type Context = ReturnType<typeof createInnerContext>;
