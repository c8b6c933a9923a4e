import type { ClerkClient } from "@clerk/backend";
import { clerkUserId } from "@repo/clerk/ids";
import { parseClerkUser, userSyncRowFromClerk } from "@repo/clerk/users";
import type { Db } from "@repo/db/client";
import { findUserById, type User, upsertUsersFromClerk } from "@repo/db/users";
import {
  askClerkWithin,
  CLERK_LOOKUP_TIMEOUT_MS,
  clerkNotConfigured,
  createJustInTimeLookup,
  requireClerkId,
  requireValidClerkAnswer,
} from "../clerk/just-in-time-lookup.ts";
import { AppError } from "../errors/app-error.ts";

/** Finds users in our table, and asks Clerk's Backend API for the ones the webhook has not brought yet. */
export type UserDirectory = {
  /** The caller's row; fetched from Clerk and stored first if the webhook has not arrived yet. */
  ensureUser(userId: string): Promise<User>;
};

export type UserDirectoryDeps = {
  db: Db;
  clerk: ClerkClient | undefined;
  /** The bound on one lookup in Clerk; CLERK_LOOKUP_TIMEOUT_MS by default. */
  clerkLookupTimeoutMs?: number | undefined;
};

export function createUserDirectory(deps: UserDirectoryDeps): UserDirectory {
  const lookUpInClerk = createJustInTimeLookup({
    fetchAndStore: (userId) => fetchAndStoreFromClerk(deps, userId),
    notInClerkCode: "user_not_in_clerk",
  });
  return {
    async ensureUser(userId) {
      requireClerkId(clerkUserId, userId);
      const stored = await findUserById(deps.db, userId);
      const user = stored ?? (await lookUpInClerk(userId));
      if (user.deleted_at) throw userDeleted();
      return user;
    },
  };
}

/**
 * Right after sign-up the browser can ask for its profile before Clerk's webhook has reached us. The
 * session is already verified, so we ask Clerk for the user and store it through the same upsert as
 * the webhook: the stale guard keeps a later, older webhook from rolling it back.
 */
async function fetchAndStoreFromClerk(deps: UserDirectoryDeps, userId: string): Promise<User> {
  const clerk = deps.clerk;
  if (!clerk) throw clerkNotConfigured("user");
  const user = await askClerkWithin(() => clerk.users.getUser(userId), {
    timeoutMs: deps.clerkLookupTimeoutMs ?? CLERK_LOOKUP_TIMEOUT_MS,
    lookingUp: userId,
    notFound: () => new AppError("user_not_in_clerk", `Clerk has no user ${userId}`),
  });
  const clerkUser = requireValidClerkAnswer(parseClerkUser(user.raw), "user");
  await upsertUsersFromClerk(deps.db, [userSyncRowFromClerk(clerkUser)]);
  const stored = await findUserById(deps.db, userId);
  if (!stored) throw new Error(`User ${userId} vanished right after it was stored`);
  return stored;
}

/** The caller's account is a tombstone: what they are told, whichever procedure found out. */
export function userDeleted(): AppError {
  return new AppError("user_deleted", "This account was deleted. Sign in with another account.");
}
