import type { Db } from "@repo/db/client";
import {
  addCounts,
  emptyCounts,
  findLastSuccessfulRunStart,
  findRunningReconciliation,
  findRunningReconciliationOfInngestRun,
  finishReconciliationRun,
  ReconciliationAlreadyRunningError,
  type ReconciliationCounts,
  type ReconciliationRun,
  type RunStartOptions,
  type SkippedObject,
  startReconciliationRun,
} from "@repo/db/reconciliation-runs";
import { parseListing } from "./clerk-listing.ts";
import { type ClerkApi, requestClerk, USER_LIST_COST } from "./clerk-requests.ts";
import type { RunStep } from "./reconcile-driver.ts";
import { listedPageResult, type PageResult, type ReconcileDeps, type RunRef, writeListed } from "./reconcile-steps.ts";
import { USERS } from "./reconciled-kinds.ts";

/**
 * The incremental reconciliation: what a lost webhook missed, repaired within minutes instead of at the
 * next daily run. Clerk lists users by `-updated_at`, so the users changed since the last successful run
 * come first, and the listing stops at the first user older than that: when nothing changed, one list
 * request. It writes through the same guarded upserts as the full run and tombstones nothing: an absence
 * from a list of changes proves nothing, so deletions stay the full run's job. Organizations cannot be
 * listed by `updated_at`, so they stay in the full run too.
 */

/**
 * How far before the last successful run's start an incremental run reads. Clerk stamps `updated_at` by
 * its clock and the run's start is this database's, and a change Clerk committed just before a run began
 * may carry an `updated_at` a moment earlier: re-reading a minute costs nothing (the upserts leave an
 * unchanged user alone).
 */
export const INCREMENTAL_OVERLAP_MS = 60_000;

/**
 * Smaller than a full run's pages: most incremental runs find a handful of changes, and the one request
 * that finds none should not carry 500 users.
 */
export const INCREMENTAL_PAGE_SIZE = 100;

/** One page of Clerk's users, the most recently changed first. */
function listUsersByLastChange(api: ClerkApi, offset: number) {
  return requestClerk(
    api,
    (clerk) => clerk.users.getUserList({ limit: INCREMENTAL_PAGE_SIZE, offset, orderBy: "-updated_at" }),
    USER_LIST_COST,
  );
}

/** Clerk's `updated_at` of a user as listed (milliseconds), or undefined when it has none to read. */
function updatedAtOf(raw: unknown): number | undefined {
  const updatedAt = (raw as { updated_at?: unknown } | null)?.updated_at;
  return typeof updatedAt === "number" ? updatedAt : undefined;
}

/**
 * Lists one page of the most recently changed users and writes those changed at `since` or later (all of
 * them when `since` is null: no run has succeeded yet). The page is the last when it is short, or when it
 * reaches a user older than `since`. A user whose `updated_at` cannot be read is taken as changed, so the
 * parser names what is wrong with it.
 */
export async function reconcileChangedUsersPage(
  deps: ReconcileDeps,
  offset: number,
  since: Date | null,
  runStartedAt: Date,
): Promise<PageResult> {
  const page = await listUsersByLastChange(deps, offset);
  const changed =
    since === null ? page.data : page.data.filter((user) => !((updatedAtOf(user.raw) ?? Infinity) < since.getTime()));
  const listing = parseListing({ data: changed, totalCount: page.totalCount }, USERS);
  const written = await writeListed(deps.db, USERS, listing, runStartedAt);
  return listedPageResult(
    listing,
    written,
    page.data.length < INCREMENTAL_PAGE_SIZE || changed.length < page.data.length,
  );
}

/** An incremental run under way: its row, and from when it reads Clerk's changes (null: from the start). */
export type IncrementalRunRef = RunRef & { since: Date | null };

/**
 * Starts an incremental run, or returns undefined when one must not run now: a full run is going (it
 * reads everything anyway), or another incremental run is. Neither is an error: the next one will run.
 */
export async function startIncrementalRun(
  db: Db,
  trigger: string,
  options: Omit<RunStartOptions, "kind" | "massTombstoneAllowed"> = {},
): Promise<(IncrementalRunRef & { run: ReconciliationRun }) | undefined> {
  // Inngest retries a step whose result it did not record, even when its insert committed: the retry
  // must carry on with that row, not skip and leave it `running` (blocking every incremental run for an
  // hour). One row per Inngest run makes starting idempotent.
  const startedBefore = options.inngestRunId
    ? await findRunningReconciliationOfInngestRun(db, options.inngestRunId)
    : undefined;
  if (startedBefore) {
    const lastSuccess = await findLastSuccessfulRunStart(db, startedBefore.started_at);
    return incrementalRunRef(startedBefore, lastSuccess);
  }
  if (await findRunningReconciliation(db, "full")) return undefined;
  const lastSuccess = await findLastSuccessfulRunStart(db);
  let run: ReconciliationRun;
  try {
    run = await startReconciliationRun(db, trigger, { ...options, kind: "incremental" });
  } catch (error) {
    if (error instanceof ReconciliationAlreadyRunningError) return undefined;
    throw error;
  }
  return incrementalRunRef(run, lastSuccess);
}

function incrementalRunRef(run: ReconciliationRun, lastSuccess: Date | undefined) {
  const since = lastSuccess ? new Date(lastSuccess.getTime() - INCREMENTAL_OVERLAP_MS) : null;
  return { run, id: run.id, startedAt: run.started_at, since };
}

export type IncrementalOutcome = { counts: ReconciliationCounts; skipped: SkippedObject[] };

/**
 * The one incremental reconciliation, shared by its Inngest function, `pnpm clerk:backfill --incremental`
 * and the development server's pull: a unit per page of changed users, then the run's row is finished.
 * A failure is recorded by the caller, as for the full run.
 */
export async function driveIncrementalReconciliation(
  deps: ReconcileDeps,
  run: IncrementalRunRef,
  step: RunStep,
  onTotals?: (totals: IncrementalOutcome) => void,
): Promise<IncrementalOutcome> {
  let counts = emptyCounts();
  let skipped: SkippedObject[] = [];
  for (let offset = 0; ; offset += INCREMENTAL_PAGE_SIZE) {
    const page = await step(`incremental-page-${offset}`, () =>
      reconcileChangedUsersPage(deps, offset, run.since, run.startedAt),
    );
    counts = addCounts(counts, page);
    skipped = [...skipped, ...page.skipped];
    onTotals?.({ counts, skipped });
    if (page.isLastPage) break;
  }
  await step("finish-run", () => finishReconciliationRun(deps.db, run.id, { status: "succeeded", counts, skipped }));
  return { counts, skipped };
}
