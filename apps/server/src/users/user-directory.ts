import { clerkUserId } from "@repo/clerk/ids";
import { parseClerkUser, userSyncRowFromClerk } from "@repo/clerk/users";
import { findUserById, type User, upsertUsersFromClerk } from "@repo/db/users";
import { type ClerkDirectoryDeps, createClerkDirectory } from "../clerk/clerk-directory.ts";
import { AppError } from "../errors/app-error.ts";

/** Finds users in our table, and asks Clerk's Backend API for the ones the webhook has not brought yet. */
export type UserDirectory = {
  /** The caller's row; fetched from Clerk and stored first if the webhook has not arrived yet. */
  ensureUser(userId: string): Promise<User>;
};

export function createUserDirectory(deps: ClerkDirectoryDeps): UserDirectory {
  const ensureUser = createClerkDirectory(deps, {
    what: "user",
    idShape: clerkUserId,
    notInClerkCode: "user_not_in_clerk",
    find: findUserById,
    fetchFromClerk: (clerk, userId) => clerk.users.getUser(userId),
    parse: parseClerkUser,
    store: (db, user) => upsertUsersFromClerk(db, [userSyncRowFromClerk(user)]),
    deleted: userDeleted,
  });
  return { ensureUser };
}

/** The caller's account is a tombstone: what they are told, whichever procedure found out. */
export function userDeleted(): AppError {
  return new AppError("user_deleted", "This account was deleted. Sign in with another account.");
}
