import {
  addCounts,
  emptyCounts,
  finishReconciliationRun,
  type ReconciliationCounts,
  type ReconciliationRun,
  type SkippedUser,
  startReconciliationRun,
} from "@repo/db/users";
import { CLERK_PAGE_SIZE, ClerkRateLimitedError } from "./clerk-user-list.ts";
import {
  checkTombstoneLimit,
  type ReconcileDeps,
  reconcilePage,
  type TombstoneVerdict,
  tombstoneUnlistedBatch,
} from "./reconcile-steps.ts";
import { DEFAULT_TOMBSTONE_LIMIT, parseTombstoneLimit, type TombstoneLimit } from "./tombstone-limit.ts";

export type ReconciliationReport = {
  run: ReconciliationRun;
  /** `stopped`: it would have tombstoned more users than the limit allows, so it tombstoned none. */
  status: "succeeded" | "stopped";
  counts: ReconciliationCounts;
  /** Users Clerk returned that could not be stored, with the reason. */
  skippedUsers: SkippedUser[];
  /** The check before any tombstone: live users, those the listing did not see, and why it stopped. */
  tombstoneCheck: TombstoneVerdict;
  seconds: number;
};

export type RunOptions = {
  trigger: string;
  /** Tombstone even when more users are missing from Clerk than `tombstoneLimit` allows. */
  allowMassTombstone?: boolean;
  /** Above this, a run stops before tombstoning anyone (DEFAULT_TOMBSTONE_LIMIT when not given). */
  tombstoneLimit?: TombstoneLimit;
  /** Called after each page and each tombstone batch, with the totals so far and Clerk's user count. */
  onProgress?: (counts: ReconciliationCounts, totalInClerk: number) => void;
  /** How to wait out a rate limit; tests pass a recording one. */
  sleep?: (ms: number) => Promise<void>;
  maxRateLimitWaits?: number;
};

/**
 * A whole reconciliation in this process, without Inngest: for `pnpm users:backfill` on a first install
 * or in an app that has not wired Inngest yet. Same steps, same rules as the Inngest function. A failure
 * part-way is recorded on the run and tombstones nobody; running again completes the work.
 */
export async function runReconciliation(deps: ReconcileDeps, options: RunOptions): Promise<ReconciliationReport> {
  const limit = parseTombstoneLimit(options.tombstoneLimit ?? DEFAULT_TOMBSTONE_LIMIT);
  const allowMassTombstone = options.allowMassTombstone ?? false;
  const startedAt = performance.now();
  const run = await startReconciliationRun(deps.db, options.trigger, { massTombstoneAllowed: allowMassTombstone });
  const runRef = { id: run.id, startedAt: run.started_at };
  const patient = <T>(work: () => Promise<T>) => waitOutRateLimits(work, options);
  let counts = emptyCounts();
  let skippedUsers: SkippedUser[] = [];
  let totalInClerk = 0;
  let tombstoneCheck: TombstoneVerdict;
  try {
    for (let offset = 0; ; offset += CLERK_PAGE_SIZE) {
      const page = await patient(() => reconcilePage(deps, offset, run.started_at));
      counts = addCounts(counts, page);
      skippedUsers = [...skippedUsers, ...page.skipped];
      totalInClerk = page.totalInClerk;
      options.onProgress?.(counts, totalInClerk);
      if (page.isLastPage) break;
    }
    tombstoneCheck = await checkTombstoneLimit(deps.db, runRef, { limit, allowMassTombstone });
    if (tombstoneCheck.stopReason === undefined) {
      for (let more = true; more; ) {
        const batch = await patient(() => tombstoneUnlistedBatch(deps, run.started_at));
        counts = addCounts(counts, batch.counts);
        skippedUsers = [...skippedUsers, ...batch.skipped];
        options.onProgress?.(counts, totalInClerk);
        more = batch.hasMore;
      }
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await finishReconciliationRun(deps.db, run.id, { status: "failed", counts, skippedUsers, error: message });
    throw error;
  }
  const status = tombstoneCheck.stopReason === undefined ? "succeeded" : "stopped";
  await finishReconciliationRun(deps.db, run.id, { status, counts, skippedUsers, error: tombstoneCheck.stopReason });
  return { run, status, counts, skippedUsers, tombstoneCheck, seconds: (performance.now() - startedAt) / 1000 };
}

/** Clerk's rate limits (1000 requests / 10 s in production, 100 in development): wait as long as Clerk asks. */
async function waitOutRateLimits<T>(work: () => Promise<T>, options: RunOptions): Promise<T> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let waits = 0; ; waits++) {
    try {
      return await work();
    } catch (error) {
      if (!(error instanceof ClerkRateLimitedError) || waits >= (options.maxRateLimitWaits ?? 20)) throw error;
      await sleep(error.retryAfterSeconds * 1000);
    }
  }
}
