import type { ClerkClient } from "@clerk/backend";
import { clerkUserId } from "@repo/clerk/ids";
import { type ClerkUserJson, parseClerkUser } from "@repo/clerk/users";
import type { SkippedUser } from "@repo/db/users";
import { CLERK_ID_FILTER_LIMIT, CLERK_PAGE_SIZE, requestClerk } from "./clerk-requests.ts";

export { CLERK_ID_FILTER_LIMIT, CLERK_PAGE_SIZE, ClerkRateLimitedError } from "./clerk-requests.ts";

/** Users as Clerk returned them: the ones we can store, and the ones we cannot. */
export type ClerkUserPage = {
  /** Valid users, to be written. */
  users: ClerkUserJson[];
  /**
   * Users that are not valid or that Postgres cannot store (a NUL in a name). Each is left as it is
   * and named in the run's record, so that one bad user does not fail its page on every retry.
   */
  skipped: SkippedUser[];
  /**
   * The id of every user Clerk returned, skipped ones included: they all still exist in Clerk, so none
   * may be tombstoned. Only an id that itself cannot be stored is left out (no row can have it).
   */
  ids: string[];
  /** How many users Clerk returned: a page shorter than asked for is the last one. */
  returned: number;
  totalCount: number;
};

/**
 * One page of Clerk's users, oldest first. Ascending creation time keeps the order stable while the
 * listing runs: users created meanwhile join at the end instead of shifting every later page.
 */
export async function listClerkUsers(clerk: ClerkClient, offset: number, limit = CLERK_PAGE_SIZE) {
  return fetchUsers(() => clerk.users.getUserList({ limit, offset, orderBy: "+created_at" }));
}

/** The users among `ids` that exist in Clerk (up to CLERK_ID_FILTER_LIMIT ids a call). */
export async function findClerkUsersById(clerk: ClerkClient, ids: readonly string[]) {
  return fetchUsers(() => clerk.users.getUserList({ userId: [...ids], limit: CLERK_ID_FILTER_LIMIT }));
}

async function fetchUsers(request: () => ReturnType<ClerkClient["users"]["getUserList"]>): Promise<ClerkUserPage> {
  const page = await requestClerk(request);
  const result: ClerkUserPage = {
    users: [],
    skipped: [],
    ids: [],
    returned: page.data.length,
    totalCount: page.totalCount,
  };
  for (const user of page.data) {
    const parsed = parseClerkUser(user.raw);
    if (parsed.success) result.users.push(parsed.data);
    else result.skipped.push({ id: user.id, reason: `invalid user: ${parsed.reason}` });
    // An id that is not a Clerk user id cannot be in the users table either, and would fail any query naming it.
    if (parsed.success || clerkUserId.safeParse(user.id).success) result.ids.push(user.id);
  }
  return result;
}
