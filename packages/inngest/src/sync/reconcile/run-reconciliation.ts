import { setTimeout as sleepFor } from "node:timers/promises";
import {
  emptyCounts,
  finishReconciliationRun,
  type ReconciliationCounts,
  type ReconciliationRun,
  startReconciliationRun,
} from "@repo/db/reconciliation-runs";
import { ClerkRateLimitedError } from "./clerk-requests.ts";
import {
  driveReconciliation,
  type ReconciliationOutcome,
  type ReconciliationTotals,
  type RunStep,
} from "./reconcile-driver.ts";
import {
  driveIncrementalReconciliation,
  type IncrementalOutcome,
  startIncrementalRun,
} from "./reconcile-incremental.ts";
import type { ReconcileDeps } from "./reconcile-steps.ts";
import { DEFAULT_TOMBSTONE_LIMIT, parseTombstoneLimit, type TombstoneLimit } from "./tombstone-limit.ts";

/** What a run in this process did: the driver's outcome, the run's row as it started, and how long it took. */
export type ReconciliationReport = ReconciliationOutcome & { run: ReconciliationRun; seconds: number };

export type RunOptions = {
  trigger: string;
  /** Tombstone even when more users are missing from Clerk than `tombstoneLimit` allows. */
  allowMassTombstone?: boolean;
  /** Above this, a run stops before tombstoning anyone (DEFAULT_TOMBSTONE_LIMIT when not given). */
  tombstoneLimit?: TombstoneLimit;
  /** Called after each page and each tombstone batch, with the totals so far and Clerk's user count. */
  onProgress?: (counts: ReconciliationCounts, totalInClerk: number) => void;
  /** How to wait out a rate limit; tests pass a recording one. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  maxRateLimitWaits?: number;
  /**
   * Ends the run at the next request, or at once when it is waiting on Clerk (a stalled request, or a 429
   * whose Retry-After is minutes): the run is recorded as failed, as any failure part-way is.
   */
  signal?: AbortSignal;
};

/**
 * A whole reconciliation in this process, without Inngest: for `pnpm clerk:backfill` on a first install
 * or in an app that has not wired Inngest yet. The same driver as the Inngest function, each unit called
 * in turn and a 429 slept through. A failure part-way is recorded on the run and tombstones nothing;
 * running again completes the work.
 */
export async function runReconciliation(deps: ReconcileDeps, options: RunOptions): Promise<ReconciliationReport> {
  const limit = parseTombstoneLimit(options.tombstoneLimit ?? DEFAULT_TOMBSTONE_LIMIT);
  const allowMassTombstone = options.allowMassTombstone ?? false;
  const startedAt = performance.now();
  const run = await startReconciliationRun(deps.db, options.trigger, { massTombstoneAllowed: allowMassTombstone });
  const runRef = { id: run.id, startedAt: run.started_at };
  const step: RunStep = (_name, work) => waitOutRateLimits(work, options);
  let outcome: ReconciliationOutcome;
  // What the units that succeeded wrote, so a failed run's row says so for all three tables.
  let totals: ReconciliationTotals | undefined;
  try {
    outcome = await driveReconciliation(deps, runRef, step, {
      limit,
      allowMassTombstone,
      onProgress: options.onProgress,
      onTotals: (latest) => {
        totals = latest;
      },
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await finishReconciliationRun(deps.db, run.id, {
      status: "failed",
      counts: totals?.counts ?? emptyCounts(),
      ...(totals
        ? {
            organizationCounts: totals.organizationCounts,
            membershipCounts: totals.membershipCounts,
            skipped: totals.skipped,
            organizationsEnabled: totals.organizationsEnabled,
          }
        : {}),
      error: message,
    });
    throw error;
  }
  return { run, ...outcome, seconds: (performance.now() - startedAt) / 1000 };
}

export type IncrementalReport = IncrementalOutcome & {
  run: ReconciliationRun;
  /** From when Clerk's changes were read (null: no run had succeeded, so every user was read). */
  since: Date | null;
  seconds: number;
};

export type IncrementalRunOptions = Pick<RunOptions, "trigger" | "sleep" | "maxRateLimitWaits" | "signal">;

/**
 * An incremental reconciliation in this process (reconcile-incremental.ts): for `pnpm clerk:backfill
 * --incremental` and the development server's pull. Returns undefined when it skipped, because a full
 * run (or another incremental one) is going: not an error. Its `status` is `failed`, with nothing thrown,
 * when Clerk's list moved under it (driveIncrementalReconciliation): the next run reads those changes again.
 */
export async function runIncrementalReconciliation(
  deps: ReconcileDeps,
  options: IncrementalRunOptions,
): Promise<IncrementalReport | undefined> {
  const startedAt = performance.now();
  const started = await startIncrementalRun(deps.db, options.trigger);
  if (!started) return undefined;
  const step: RunStep = (_name, work) => waitOutRateLimits(work, options);
  let totals: Omit<IncrementalOutcome, "status"> | undefined;
  try {
    const outcome = await driveIncrementalReconciliation(deps, started, step, (latest) => {
      totals = latest;
    });
    return { run: started.run, since: started.since, ...outcome, seconds: (performance.now() - startedAt) / 1000 };
  } catch (error) {
    await finishReconciliationRun(deps.db, started.id, {
      status: "failed",
      counts: totals?.counts ?? emptyCounts(),
      skipped: totals?.skipped ?? [],
      error: error instanceof Error ? error.message : String(error),
    });
    throw error;
  }
}

/**
 * Clerk's rate limits (1000 requests / 10 s in production, 100 in development): wait as long as Clerk asks,
 * unless the signal ends the run first.
 */
async function waitOutRateLimits<T>(
  work: () => Promise<T>,
  options: Pick<RunOptions, "sleep" | "maxRateLimitWaits" | "signal">,
): Promise<T> {
  const { signal } = options;
  const sleep = options.sleep ?? ((ms: number, signal?: AbortSignal) => sleepFor(ms, undefined, { signal }));
  for (let waits = 0; ; waits++) {
    signal?.throwIfAborted();
    try {
      return await untilAborted(work(), signal);
    } catch (error) {
      if (!(error instanceof ClerkRateLimitedError) || waits >= (options.maxRateLimitWaits ?? 20)) throw error;
      // Node's abortable timer rejects with its own AbortError; the run records the signal's reason.
      await sleep(error.retryAfterSeconds * 1000, signal).catch((sleepError: unknown) => {
        signal?.throwIfAborted();
        throw sleepError;
      });
    }
  }
}

/**
 * The work's result, or the signal's reason as soon as it aborts. The SDK takes no signal per request, so a
 * request Clerk never answers is left behind (its result unused) rather than holding the run open.
 */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(signal.reason);
    if (signal.aborted) return abort();
    signal.addEventListener("abort", abort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", abort));
  });
}
