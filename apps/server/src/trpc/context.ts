import type { Db } from "@repo/db/client";
import type { UserDirectory } from "../users/user-directory.ts";

/** Who is calling, as Clerk's middleware verified it. Nothing else in the request is trusted. */
export type AuthState = { userId: string | null; sessionId: string | null };

export const signedOut: AuthState = { userId: null, sessionId: null };

export type ContextDeps = {
  db: Db;
  users: UserDirectory;
  /** Show callers what failed inside the server (messages, stacks); only development sets it. */
  exposeErrorDetails?: boolean;
};

/**
 * The part of the context procedures use. Tests build it directly; the Express adapter builds it from
 * the request in app.ts.
 */
export function createInnerContext(deps: ContextDeps, auth: AuthState) {
  return { db: deps.db, users: deps.users, auth, exposeErrorDetails: deps.exposeErrorDetails ?? false };
}

export type Context = ReturnType<typeof createInnerContext>;
