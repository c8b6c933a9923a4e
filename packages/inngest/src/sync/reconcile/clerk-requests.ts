import type { ClerkClient } from "@clerk/backend";
import { isClerkAPIResponseError } from "@clerk/backend/errors";
import { describeClerkError } from "@repo/clerk/api-errors";
import pThrottle from "p-throttle";

/** Clerk's largest page. */
export const CLERK_PAGE_SIZE = 500;
/** Clerk filters by at most 100 ids per request. */
export const CLERK_ID_FILTER_LIMIT = 100;

/**
 * The Backend API's rate limits, in requests per 10 s per instance: a production instance's (`sk_live_`
 * keys) and a development instance's (`sk_test_`).
 */
export const CLERK_RATE_LIMITS = { production: 1000, development: 100 } as const;
export const CLERK_RATE_WINDOW_MS = 10_000;

/**
 * The share of Clerk's limit a reconciliation uses: Clerk's window does not start when ours does, and
 * the server's own look-ups of users (and the webhooks' consumers) call the same instance meanwhile.
 */
const SHARE_OF_CLERK_LIMIT = 0.9;

/** How fast the reconciliation asks Clerk: at most `requests` Backend API requests in any `windowMs`. */
export type ClerkPace = { requests: number; windowMs: number };

/** The pace for this secret key's kind of instance, unless the settings give one. */
export function clerkPaceFor(
  secretKey: string,
  overrides: { requests?: number | undefined; windowMs?: number | undefined } = {},
): ClerkPace {
  const limit = secretKey.startsWith("sk_live_") ? CLERK_RATE_LIMITS.production : CLERK_RATE_LIMITS.development;
  return {
    requests: overrides.requests ?? Math.floor(limit * SHARE_OF_CLERK_LIMIT),
    windowMs: overrides.windowMs ?? CLERK_RATE_WINDOW_MS,
  };
}

/** Runs a request once the pace allows `cost` more requests (a call the SDK sends as several costs more). */
export type ClerkPacer = <T>(cost: number, request: () => Promise<T>) => Promise<T>;

/**
 * A pacer holding every request it runs to `pace`, over a sliding window (p-throttle's strict mode: no
 * burst at a window's edge can exceed it). One per process and Clerk instance, shared by every run.
 */
export function createClerkPacer(pace: ClerkPace): ClerkPacer {
  const throttle = pThrottle({
    limit: pace.requests,
    interval: pace.windowMs,
    strict: true,
    weight: (cost: number) => cost,
  });
  const paced = throttle((_cost: number, request: () => Promise<unknown>) => request());
  return <T>(cost: number, request: () => Promise<T>) => paced(cost, request) as Promise<T>;
}

/** Clerk's client and, where the caller built one, the pacer that keeps its requests under Clerk's limit. */
export type ClerkApi = { clerk: ClerkClient; pace?: ClerkPacer | undefined };

/** Clerk asked us to slow down: wait `retryAfterSeconds` before asking again. */
export class ClerkRateLimitedError extends Error {
  override name = "ClerkRateLimitedError";
  constructor(readonly retryAfterSeconds: number) {
    super(`Clerk's Backend API rate limit was hit; retry after ${retryAfterSeconds}s`);
  }
}

/**
 * A Backend API call, paced when the caller gave a pacer, whose failure says what Clerk said, and whose 429
 * becomes a ClerkRateLimitedError carrying Clerk's Retry-After, which both the command line (it sleeps)
 * and the Inngest function (RetryAfterError) wait out: pacing keeps under the limit, and a 429 that comes
 * anyway (another client of the same instance) is still waited out. `cost` is how many HTTP requests the
 * call makes.
 */
export async function requestClerk<T>(
  api: ClerkApi,
  request: (clerk: ClerkClient) => Promise<T>,
  cost = 1,
): Promise<T> {
  const send = () => request(api.clerk);
  try {
    return await (api.pace ? api.pace(cost, send) : send());
  } catch (error) {
    if (!isClerkAPIResponseError(error)) throw error;
    if (error.status === 429) throw new ClerkRateLimitedError(error.retryAfter ?? 10);
    // The SDK's message is often empty; the command line prints it and the run's row records it.
    error.message = describeClerkError(error);
    throw error;
  }
}

/** `getUserList` sends two requests: the page, and `/v1/users/count` for its total. */
export const USER_LIST_COST = 2;
