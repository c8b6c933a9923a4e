import type { ClerkClient } from "@clerk/backend";
import { LRUCache } from "lru-cache";
import { askClerkWithin } from "../clerk/just-in-time-lookup.ts";
import { AppError } from "../errors/app-error.ts";

/** Clerk's own count of the instance's users, or why there is none. */
export type ClerkUserCount =
  | { isAvailable: true; count: number; countedAt: Date }
  | { isAvailable: false; reason: string; countedAt: Date };

/**
 * How long Clerk's count is remembered. The console refreshes itself every few seconds while a run is
 * going, and every operator's tab asks: one request a minute leaves Clerk's rate limit to the sync.
 */
const COUNT_REMEMBERED_MS = 60_000;

/**
 * Clerk's user count (`GET /v1/users/count`), remembered for a minute, one request at a time however
 * many callers ask. A failure (Clerk down, stalled, no secret key) is an answer too, remembered as long:
 * the console says Clerk's count is unavailable, and never hammers a Clerk that is down.
 */
export function createClerkUserCounter(
  clerk: ClerkClient | undefined,
  timeoutMs: number,
): () => Promise<ClerkUserCount> {
  const remembered = new LRUCache<"users", ClerkUserCount>({
    max: 1,
    ttl: COUNT_REMEMBERED_MS,
    fetchMethod: () => askClerk(clerk, timeoutMs),
  });
  return async () => (await remembered.fetch("users")) ?? unavailable("no count was fetched");
}

async function askClerk(clerk: ClerkClient | undefined, timeoutMs: number): Promise<ClerkUserCount> {
  if (!clerk) return unavailable("CLERK_SECRET_KEY is not set, so Clerk cannot be asked");
  try {
    const count = await askClerkWithin(() => clerk.users.getCount(), {
      timeoutMs,
      lookingUp: "the number of users",
      notFound: () => new AppError("clerk_unavailable", "Clerk's Backend API has no user count"),
    });
    return { isAvailable: true, count, countedAt: new Date() };
  } catch (error) {
    return unavailable(error instanceof AppError ? error.message : "Clerk's Backend API failed");
  }
}

const unavailable = (reason: string): ClerkUserCount => ({ isAvailable: false, reason, countedAt: new Date() });
