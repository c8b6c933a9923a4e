import type { ClerkClient } from "@clerk/backend";
import { isClerkAPIResponseError } from "@clerk/backend/errors";
import type { Db } from "@repo/db/client";
import { findUserById, type User, upsertUsersFromClerk } from "@repo/db/users";
import { describeIssues } from "@repo/inngest/sync";
import { clerkUserJsonSchema, userSyncRowFromClerk } from "@repo/inngest/sync/users";
import { LRUCache } from "lru-cache";
import { AppError } from "../errors/app-error.ts";

/** Finds users in our table, and asks Clerk's Backend API for the ones the webhook has not brought yet. */
export type UserDirectory = {
  /** The caller's row; fetched from Clerk and stored first if the webhook has not arrived yet. */
  ensureUser(userId: string): Promise<User>;
};

/**
 * How long user.me waits for Clerk's Backend API to look up a user the webhook has not brought yet. Clerk
 * answers such a lookup in well under a second; past this the person is told to try again instead of
 * watching a spinner for as long as a stalled connection lasts.
 */
export const CLERK_LOOKUP_TIMEOUT_MS = 5_000;

export type UserDirectoryDeps = {
  db: Db;
  clerk: ClerkClient | undefined;
  /** The bound on one lookup in Clerk; CLERK_LOOKUP_TIMEOUT_MS by default. */
  clerkLookupTimeoutMs?: number | undefined;
};

/** How long "Clerk has no such user" is remembered, so a token for a deleted user cannot spend Clerk's rate limit. */
const NOT_IN_CLERK_FOR_MS = 60_000;

export function createUserDirectory(deps: UserDirectoryDeps): UserDirectory {
  // One lookup in Clerk per user at a time, however many requests ask for it at once (a batch of
  // calls, a burst of tabs right after sign-up): the Backend API's rate limit is the instance's.
  const lookups = new Map<string, Promise<User>>();
  // Users Clerk said it does not have. A session token outlives its user by up to a minute, and each
  // request with it would otherwise ask Clerk again. Bounded, per process, like the session cache.
  const notInClerk = new LRUCache<string, true>({ max: 10_000, ttl: NOT_IN_CLERK_FOR_MS });

  function lookUpInClerk(userId: string): Promise<User> {
    if (notInClerk.has(userId)) return Promise.reject(userNotInClerk(userId));
    let lookup = lookups.get(userId);
    if (!lookup) {
      lookup = fetchAndStoreFromClerk(deps, userId)
        .catch((error: unknown) => {
          if (error instanceof AppError && error.code === "user_not_in_clerk") notInClerk.set(userId, true);
          throw error;
        })
        .finally(() => lookups.delete(userId));
      lookups.set(userId, lookup);
    }
    return lookup;
  }

  return {
    async ensureUser(userId) {
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
  if (!deps.clerk) {
    throw new AppError(
      "clerk_unavailable",
      "This user has not been synced yet and CLERK_SECRET_KEY is not set, so Clerk cannot be asked: set it in .env",
    );
  }
  const raw = await getUserFromClerk(deps.clerk, userId, deps.clerkLookupTimeoutMs ?? CLERK_LOOKUP_TIMEOUT_MS);
  const parsed = clerkUserJsonSchema.safeParse(raw);
  if (!parsed.success) {
    throw new AppError(
      "clerk_unavailable",
      `Clerk returned an unexpected user: ${describeIssues(parsed.error.issues)}`,
    );
  }
  await upsertUsersFromClerk(deps.db, [userSyncRowFromClerk(parsed.data)]);
  const stored = await findUserById(deps.db, userId);
  if (!stored) throw new Error(`User ${userId} vanished right after it was stored`);
  return stored;
}

/**
 * Clerk's user JSON, or an AppError (`clerk_unavailable`, `user_not_in_clerk`) saying what went wrong.
 * Clerk's SDK takes no timeout or abort signal, so the bound is a race: past it the caller gets its answer
 * and the SDK's request is left to finish or fail on its own, its result unused (a late answer is never
 * stored).
 */
async function getUserFromClerk(clerk: ClerkClient, userId: string, timeoutMs: number): Promise<unknown> {
  const tryAgain = `when looking up ${userId}: try again in a moment`;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_resolve, reject) => {
    const error = new AppError(
      "clerk_unavailable",
      `Clerk's Backend API did not answer within ${timeoutMs / 1000} s ${tryAgain}`,
    );
    timer = setTimeout(reject, timeoutMs, error);
  });
  try {
    return (await Promise.race([clerk.users.getUser(userId), timedOut])).raw;
  } catch (error) {
    if (error instanceof AppError) throw error;
    if (isClerkAPIResponseError(error) && error.status === 404) throw userNotInClerk(userId);
    // Clerk's SDK reports a network failure (refused, reset, DNS) as an error without an HTTP status.
    const what =
      isClerkAPIResponseError(error) && error.status !== undefined
        ? `Clerk's Backend API failed with HTTP ${error.status}`
        : "Could not reach Clerk's Backend API";
    throw new AppError("clerk_unavailable", `${what} ${tryAgain}`, { cause: error });
  } finally {
    clearTimeout(timer);
  }
}

function userNotInClerk(userId: string): AppError {
  return new AppError("user_not_in_clerk", `Clerk has no user ${userId}`);
}

/** The caller's account is a tombstone: what they are told, whichever procedure found out. */
export function userDeleted(): AppError {
  return new AppError("user_deleted", "This account was deleted. Sign in with another account.");
}
