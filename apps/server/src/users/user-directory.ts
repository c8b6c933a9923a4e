import type { ClerkClient } from "@clerk/backend";
import { isClerkAPIResponseError } from "@clerk/backend/errors";
import type { Db } from "@repo/db/client";
import {
  clerkUserJsonSchema,
  describeIssues,
  findUserById,
  type User,
  upsertUsersFromClerk,
  userSyncRowFromClerk,
} from "@repo/db/users";

export class UserDeletedError extends Error {
  override name = "UserDeletedError";
  constructor(userId: string) {
    super(`User ${userId} was deleted in Clerk`);
  }
}

export class UserNotInClerkError extends Error {
  override name = "UserNotInClerkError";
}

export class ClerkUnavailableError extends Error {
  override name = "ClerkUnavailableError";
}

/** Finds users in our table, and asks Clerk's Backend API for the ones the webhook has not brought yet. */
export type UserDirectory = {
  /** The caller's row; fetched from Clerk and stored first if the webhook has not arrived yet. */
  ensureUser(userId: string): Promise<User>;
};

export function createUserDirectory(deps: { db: Db; clerk: ClerkClient | undefined }): UserDirectory {
  return {
    async ensureUser(userId) {
      const stored = await findUserById(deps.db, userId);
      const user = stored ?? (await fetchAndStoreFromClerk(deps, userId));
      if (user.deleted_at) throw new UserDeletedError(userId);
      return user;
    },
  };
}

/**
 * Right after sign-up the browser can ask for its profile before Clerk's webhook has reached us. The
 * session is already verified, so we ask Clerk for the user and store it through the same upsert as
 * the webhook: the stale guard keeps a later, older webhook from rolling it back.
 */
async function fetchAndStoreFromClerk(deps: { db: Db; clerk: ClerkClient | undefined }, userId: string): Promise<User> {
  if (!deps.clerk) {
    throw new ClerkUnavailableError(
      "This user has not been synced yet and CLERK_SECRET_KEY is not set, so Clerk cannot be asked: set it in .env",
    );
  }
  let raw: unknown;
  try {
    raw = (await deps.clerk.users.getUser(userId)).raw;
  } catch (error) {
    if (isClerkAPIResponseError(error) && error.status === 404)
      throw new UserNotInClerkError(`Clerk has no user ${userId}`);
    throw new ClerkUnavailableError(`Could not fetch user ${userId} from Clerk's Backend API`, { cause: error });
  }
  const parsed = clerkUserJsonSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ClerkUnavailableError(`Clerk returned an unexpected user: ${describeIssues(parsed.error.issues)}`);
  }
  await upsertUsersFromClerk(deps.db, [userSyncRowFromClerk(parsed.data)]);
  const stored = await findUserById(deps.db, userId);
  if (!stored) throw new Error(`User ${userId} vanished right after it was stored`);
  return stored;
}
