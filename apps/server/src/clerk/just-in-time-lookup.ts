import { isClerkAPIResponseError } from "@clerk/backend/errors";
import type { ParseResult } from "@repo/clerk/parse-result";
import { LRUCache } from "lru-cache";
import type { z } from "zod";
import { AppError, type AppErrorCode } from "../errors/app-error.ts";

/**
 * How long a procedure waits for Clerk's Backend API to look up something (a user, an organization) the
 * webhook has not brought yet. Clerk answers such a lookup in well under a second; past this the person is
 * told to try again instead of watching a spinner for as long as a stalled connection lasts.
 */
export const CLERK_LOOKUP_TIMEOUT_MS = 5_000;

/** How long "Clerk has no such id" is remembered, so a token naming a deleted one cannot spend Clerk's rate limit. */
const NOT_IN_CLERK_FOR_MS = 60_000;

export type JustInTimeLookupOptions<Row> = {
  /** Asks Clerk for the object (through askClerkWithin) and stores it under the sync's rules. */
  fetchAndStore(id: string): Promise<Row>;
  /** The code of the refusal that means "Clerk has no such id": that refusal is remembered for a minute. */
  notInClerkCode: AppErrorCode;
};

/**
 * Wraps a fetch-and-store from Clerk so that there is one lookup per id at a time, however many requests
 * ask at once (a batch of calls, a burst of tabs right after sign-up or after creating an organization):
 * the Backend API's rate limit is the instance's. "Clerk has no such id" is remembered, bounded and per
 * process like the session cache, because a session token outlives its user or organization by up to a
 * minute and each request with it would otherwise ask Clerk again.
 */
export function createJustInTimeLookup<Row>(options: JustInTimeLookupOptions<Row>): (id: string) => Promise<Row> {
  const lookups = new Map<string, Promise<Row>>();
  const notInClerk = new LRUCache<string, AppError>({ max: 10_000, ttl: NOT_IN_CLERK_FOR_MS });

  return (id) => {
    const remembered = notInClerk.get(id);
    if (remembered) return Promise.reject(remembered);
    let lookup = lookups.get(id);
    if (!lookup) {
      lookup = options
        .fetchAndStore(id)
        .catch((error: unknown) => {
          if (error instanceof AppError && error.code === options.notInClerkCode) notInClerk.set(id, error);
          throw error;
        })
        .finally(() => lookups.delete(id));
      lookups.set(id, lookup);
    }
    return lookup;
  };
}

/**
 * Clerk's answer to `call`, or an AppError saying what went wrong: `notFound()` for Clerk's 404,
 * `refusal(error)` for another refusal the caller can name, `clerk_unavailable` (502) for a failure, any
 * other HTTP error or no answer within `timeoutMs`. Clerk's SDK takes
 * no timeout or abort signal, so the bound is a race: past it the caller gets its answer and the SDK's
 * request is left to finish or fail on its own, its result unused (a late answer is never stored).
 */
export async function askClerkWithin<T>(
  call: () => Promise<T>,
  options: {
    timeoutMs: number;
    lookingUp: string;
    notFound: () => AppError;
    refusal?: (error: unknown) => AppError | undefined;
  },
): Promise<T> {
  const tryAgain = `when looking up ${options.lookingUp}: try again in a moment`;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_resolve, reject) => {
    const error = new AppError(
      "clerk_unavailable",
      `Clerk's Backend API did not answer within ${options.timeoutMs / 1000} s ${tryAgain}`,
    );
    timer = setTimeout(reject, options.timeoutMs, error);
  });
  try {
    return await Promise.race([call(), timedOut]);
  } catch (error) {
    if (error instanceof AppError) throw error;
    if (isClerkAPIResponseError(error) && error.status === 404) throw options.notFound();
    const refused = options.refusal?.(error);
    if (refused) throw refused;
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

/**
 * Clerk's answer as its Clerk object's parser gave it, or `clerk_unavailable` (502) naming what is wrong
 * with it: an answer this app cannot read or store is Clerk failing us, not the caller's mistake, and
 * nothing is stored.
 */
export function requireValidClerkAnswer<T>(parsed: ParseResult<T>, what: string): T {
  if (!parsed.success)
    throw new AppError("clerk_unavailable", `Clerk returned an unexpected ${what}: ${parsed.reason}`);
  return parsed.data;
}

/**
 * Refuses an id that is not in Clerk's shape before it reaches a query or a Backend API URL (Clerk's SDK puts
 * ids into paths unescaped). The ids come from session claims already held to these shapes
 * (auth/session-claims.ts), so a refusal here is a bug in this server: an unexpected failure, 500.
 */
export function requireClerkId(shape: z.ZodType<string>, id: string): string {
  const parsed = shape.safeParse(id);
  if (!parsed.success) {
    throw new Error(
      `Refusing to look up ${JSON.stringify(id)}: ${parsed.error.issues.map((i) => i.message).join("; ")}`,
    );
  }
  return parsed.data;
}

/** What a lookup says when the server has no CLERK_SECRET_KEY to ask Clerk with. */
export function clerkNotConfigured(what: string): AppError {
  return new AppError(
    "clerk_unavailable",
    `This ${what} has not been synced yet and CLERK_SECRET_KEY is not set, so Clerk cannot be asked: set it in .env`,
  );
}
