import {
  addCounts,
  emptyCounts,
  finishReconciliationRun,
  type ReconciliationCounts,
  type ReconciliationRun,
  startReconciliationRun,
} from "@repo/db/users";
import { CLERK_PAGE_SIZE, ClerkRateLimitedError } from "./clerk-user-list.ts";
import { type ReconcileDeps, reconcilePage, tombstoneUnlistedBatch } from "./reconcile-steps.ts";

export type ReconciliationReport = { run: ReconciliationRun; counts: ReconciliationCounts; seconds: number };

export type RunOptions = {
  trigger: string;
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
  const startedAt = performance.now();
  const run = await startReconciliationRun(deps.db, options.trigger);
  const patient = <T>(work: () => Promise<T>) => waitOutRateLimits(work, options);
  let counts = emptyCounts();
  let totalInClerk = 0;
  try {
    for (let offset = 0; ; offset += CLERK_PAGE_SIZE) {
      const page = await patient(() => reconcilePage(deps, offset, run.started_at));
      counts = addCounts(counts, page);
      totalInClerk = page.totalInClerk;
      options.onProgress?.(counts, totalInClerk);
      if (page.isLastPage) break;
    }
    for (let more = true; more; ) {
      const batch = await patient(() => tombstoneUnlistedBatch(deps, run.started_at));
      counts = addCounts(counts, batch.counts);
      options.onProgress?.(counts, totalInClerk);
      more = batch.hasMore;
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await finishReconciliationRun(deps.db, run.id, { status: "failed", counts, error: message });
    throw error;
  }
  await finishReconciliationRun(deps.db, run.id, { status: "succeeded", counts });
  return { run, counts, seconds: (performance.now() - startedAt) / 1000 };
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
