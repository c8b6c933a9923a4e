import type { ClerkClient } from "@clerk/backend";
import { isClerkAPIResponseError } from "@clerk/backend/errors";
import { type ClerkUserJson, clerkUserJsonSchema, describeIssues } from "@repo/db/users";

/** Clerk's largest page. */
export const CLERK_PAGE_SIZE = 500;
/** Clerk filters by at most 100 ids per request. */
export const CLERK_ID_FILTER_LIMIT = 100;

/** Clerk asked us to slow down: wait `retryAfterSeconds` before asking again. */
export class ClerkRateLimitedError extends Error {
  override name = "ClerkRateLimitedError";
  constructor(readonly retryAfterSeconds: number) {
    super(`Clerk's Backend API rate limit was hit; retry after ${retryAfterSeconds}s`);
  }
}

/**
 * One page of Clerk's users, oldest first. Ascending creation time keeps the order stable while the
 * listing runs: users created meanwhile join at the end instead of shifting every later page.
 */
export async function listClerkUsers(
  clerk: ClerkClient,
  offset: number,
  limit = CLERK_PAGE_SIZE,
): Promise<{ users: ClerkUserJson[]; totalCount: number }> {
  return fetchUsers(() => clerk.users.getUserList({ limit, offset, orderBy: "+created_at" }));
}

/** The users among `ids` that exist in Clerk (up to CLERK_ID_FILTER_LIMIT ids a call). */
export async function findClerkUsersById(clerk: ClerkClient, ids: readonly string[]): Promise<ClerkUserJson[]> {
  const { users } = await fetchUsers(() => clerk.users.getUserList({ userId: [...ids], limit: CLERK_ID_FILTER_LIMIT }));
  return users;
}

async function fetchUsers(request: () => ReturnType<ClerkClient["users"]["getUserList"]>) {
  let page: Awaited<ReturnType<typeof request>>;
  try {
    page = await request();
  } catch (error) {
    if (isClerkAPIResponseError(error) && error.status === 429) throw new ClerkRateLimitedError(error.retryAfter ?? 10);
    throw error;
  }
  const users = page.data.map((user) => {
    const parsed = clerkUserJsonSchema.safeParse(user.raw);
    if (!parsed.success)
      throw new Error(`Clerk listed an invalid user ${user.id}: ${describeIssues(parsed.error.issues)}`);
    return parsed.data;
  });
  return { users, totalCount: page.totalCount };
}
