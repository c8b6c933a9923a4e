import { isClerkAPIResponseError } from "@clerk/backend/errors";
import { describeClerkError } from "@repo/clerk/api-errors";

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
 * A Backend API call whose failure says what Clerk said, and whose 429 becomes a ClerkRateLimitedError
 * carrying Clerk's Retry-After, which both the command line (it sleeps) and the Inngest function
 * (RetryAfterError) wait out.
 */
export async function requestClerk<T>(request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    if (!isClerkAPIResponseError(error)) throw error;
    if (error.status === 429) throw new ClerkRateLimitedError(error.retryAfter ?? 10);
    // The SDK's message is often empty; the command line prints it and the run's row records it.
    error.message = describeClerkError(error);
    throw error;
  }
}
