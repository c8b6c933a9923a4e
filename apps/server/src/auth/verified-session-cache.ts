import { LRUCache } from "lru-cache";
import type { AuthState } from "./auth-state.ts";

/**
 * What a successful verification established, and until when. It holds the whole auth state handed to
 * procedures, so whatever that state grows to carry is remembered with it and a hit answers exactly as
 * the verification did.
 */
export type VerifiedSession = { auth: AuthState; expiresAtMs: number };

export type VerifiedSessionCacheOptions = {
  /** Most tokens remembered at once; the least recently used go first. */
  maxEntries?: number;
  now?: () => number;
};

/**
 * Remembers Clerk's verdict on session tokens it has already verified, so a browser that sends the same
 * token for a minute pays for one verification, not one per request.
 *
 * Why this is as safe as verifying every time:
 * - keyed by the exact token string Clerk verified: a forged, altered or different token is a different
 *   key, so it is never served from here and goes through Clerk's full verification;
 * - only successful verifications are stored, so a token with the wrong `azp`, a bad signature or
 *   an expired `exp` is never remembered;
 * - an entry is dropped at the token's own `exp` (never later; Clerk's clock-skew allowance is not
 *   extended), and lookups re-check it, so an expired token cannot pass on a stale entry;
 * - bounded in memory: at most `maxEntries` tokens (about 1 KB each).
 * Per process, so replicas behind a load balancer each verify a token once; nothing is shared.
 * Revocation is unchanged too: Clerk's own check of a session token is networkless (signature and
 * claims), so a token from a session that just ended stays valid until its `exp` with or without this
 * cache; Clerk keeps that window short by issuing tokens that live about a minute.
 */
export class VerifiedSessionCache {
  readonly #cache: LRUCache<string, VerifiedSession>;
  readonly #now: () => number;
  hits = 0;
  misses = 0;

  constructor(options: VerifiedSessionCacheOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#cache = new LRUCache({
      max: options.maxEntries ?? 10_000,
      // Each entry lives until its own token's `exp` (remember() gives the ttl). The clock is read on
      // every lookup (no resolution window), so no entry outlives its token by even a millisecond.
      perf: { now: this.#now },
      ttlResolution: 0,
    });
  }

  get size(): number {
    return this.#cache.size;
  }

  get(token: string): VerifiedSession | undefined {
    const entry = this.#cache.get(token);
    if (entry) this.hits += 1;
    else this.misses += 1;
    return entry;
  }

  /** Stores a verification Clerk's SDK just made; ignores tokens already at or past their `exp`. */
  remember(token: string, session: VerifiedSession): void {
    // lru-cache counts an entry stale once more than `ttl` ms have passed, so at `exp` itself the entry
    // must already be one past its ttl: hence the 1. (A ttl of 0 would mean "forever".)
    const ttl = session.expiresAtMs - this.#now() - 1;
    if (ttl < 1) return;
    this.#cache.set(token, session, { ttl });
  }
}
