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
 * unchanged user alone). It assumes Clerk's clock and this database's agree within that minute: were ours
 * more than a minute ahead, a change Clerk made as a run began, too late for it to read, could be stamped
 * before the next run's cutoff and wait for the daily full run.
 */
export const INCREMENTAL_OVERLAP_MS = 60_000;

/**
 * Smaller than a full run's pages: most incremental runs find a handful of changes, and the one request
 * that finds none should not carry 500 users.
 */
export const INCREMENTAL_PAGE_SIZE = 100;

/** `count` of Clerk's users from `offset` on, the most recently changed first. */
function listUsersByLastChange(api: ClerkApi, offset: number, count: number) {
  return requestClerk(
    api,
    (clerk) => clerk.users.getUserList({ limit: count, offset, orderBy: "-updated_at" }),
    USER_LIST_COST,
  );
}

/** Clerk's `updated_at` of a user as listed (milliseconds), or undefined when it has none to read. */
function updatedAtOf(raw: unknown): number | undefined {
  const updatedAt = (raw as { updated_at?: unknown } | null)?.updated_at;
  return typeof updatedAt === "number" ? updatedAt : undefined;
}

/** A user where a page ended, as listed: the next page must start with the same user, unchanged. */
export type PageBoundary = { id: string; updatedAt: number | null };

function boundaryOf(user: { id: string; raw: unknown }): PageBoundary {
  return { id: user.id, updatedAt: updatedAtOf(user.raw) ?? null };
}

export type ChangedUsersPage = PageResult & {
  /** Where this page ended, for the next page to find (null: the page was empty, so it was the last). */
  boundary: PageBoundary | null;
  /**
   * The page did not hold the previous page's last user: Clerk's list moved up between the two requests
   * (a user before the boundary deleted, or the boundary user changed), so a user may have slid across
   * the boundary unread.
   */
  hasListingShifted: boolean;
};

/**
 * Lists one page of the most recently changed users and writes those changed at `since` or later (all of
 * them when `since` is null: no run has succeeded yet). The page is the last when Clerk has no more, or
 * when it reaches a user older than `since`. A user whose `updated_at` cannot be read is taken as
 * changed, so the parser names what is wrong with it.
 *
 * After the first page (`previous` given) it asks one user early, who should be the previous page's last,
 * and reads on from wherever that user is. Found further down, users moved to the top meanwhile (they
 * changed during this run, so the next run reads them) and the page re-reads a few: nothing is missed.
 * Not found, the list moved up and a user may have been skipped: `hasListingShifted`.
 */
export async function reconcileChangedUsersPage(
  deps: ReconcileDeps,
  offset: number,
  since: Date | null,
  runStartedAt: Date,
  previous: PageBoundary | null,
): Promise<ChangedUsersPage> {
  const overlap = previous === null ? 0 : 1;
  const listed = await listUsersByLastChange(deps, offset - overlap, INCREMENTAL_PAGE_SIZE + overlap);
  const boundaryIndex =
    previous === null
      ? -1
      : listed.data.findIndex(
          (user) => user.id === previous.id && (updatedAtOf(user.raw) ?? null) === previous.updatedAt,
        );
  const hasListingShifted = previous !== null && boundaryIndex === -1;
  const users = listed.data.slice(boundaryIndex + 1);
  const changed =
    since === null ? users : users.filter((user) => !((updatedAtOf(user.raw) ?? Infinity) < since.getTime()));
  const listing = parseListing({ data: changed, totalCount: listed.totalCount }, USERS);
  const written = await writeListed(deps.db, USERS, listing, runStartedAt);
  const isLastPage = listed.data.length < INCREMENTAL_PAGE_SIZE + overlap || changed.length < users.length;
  const last = users.at(-1);
  return {
    ...listedPageResult(listing, written, isLastPage),
    boundary: last ? boundaryOf(last) : null,
    hasListingShifted,
  };
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

export type IncrementalOutcome = {
  /** `failed`: Clerk's list moved under both listings, so the run may have missed a change (see below). */
  status: "succeeded" | "failed";
  counts: ReconciliationCounts;
  skipped: SkippedObject[];
  error?: string;
};

/** The listings a run may make, each naming its units (the first keeps the names units always had). */
const LISTINGS = ["incremental-page", "incremental-relisting-page"] as const;

export const LISTING_SHIFTED_ERROR =
  "Clerk's user list moved while it was read, twice (users deleted or changed mid-listing): a change may " +
  "have been missed, so the next incremental run reads again from the same point";

/**
 * The one incremental reconciliation, shared by its Inngest function, `pnpm clerk:backfill --incremental`
 * and the development server's pull: a unit per page of changed users, then the run's row is finished.
 * A failure is recorded by the caller, as for the full run.
 *
 * A run that succeeds becomes the next run's cutoff, so it must have read every change. Offset paging
 * cannot promise that: a user deleted after its page was read moves the rest of the list up by one, and
 * a changed user slides unread into the page already read. Each page re-reads the previous page's last
 * user to catch that (Clerk's total would not: a deletion and a sign-up together leave it as it was),
 * and reads on from that user when users moved to the top instead. On a shift the listing starts over
 * once, with the same cutoff: the upserts leave what the first listing wrote alone, and a list that moves
 * under two listings in a row is rare. If it does, the run is recorded `failed` (not an error: nothing is
 * retried), so it does not become the cutoff and the next run reads from the older one. Why not restart
 * again: on a busy instance that could go on without end. Why not record a succeeded run with the older
 * cutoff: that needs a column for it, where a failed run already means "not a cutoff".
 */
export async function driveIncrementalReconciliation(
  deps: ReconcileDeps,
  run: IncrementalRunRef,
  step: RunStep,
  onTotals?: (totals: Omit<IncrementalOutcome, "status">) => void,
): Promise<IncrementalOutcome> {
  let counts = emptyCounts();
  let skipped: SkippedObject[] = [];
  for (const listing of LISTINGS) {
    let hasListingShifted = false;
    let boundary: PageBoundary | null = null;
    for (let offset = 0; ; offset += INCREMENTAL_PAGE_SIZE) {
      const previous: PageBoundary | null = boundary;
      const page: ChangedUsersPage = await step(`${listing}-${offset}`, () =>
        reconcileChangedUsersPage(deps, offset, run.since, run.startedAt, previous),
      );
      counts = addCounts(counts, page);
      skipped = [...skipped, ...page.skipped];
      onTotals?.({ counts, skipped });
      hasListingShifted = page.hasListingShifted;
      if (hasListingShifted || page.isLastPage) break;
      boundary = page.boundary;
    }
    if (!hasListingShifted) {
      await step("finish-run", () =>
        finishReconciliationRun(deps.db, run.id, { status: "succeeded", counts, skipped }),
      );
      return { status: "succeeded", counts, skipped };
    }
  }
  const error = LISTING_SHIFTED_ERROR;
  await step("finish-run", () =>
    finishReconciliationRun(deps.db, run.id, { status: "failed", counts, skipped, error }),
  );
  return { status: "failed", counts, skipped, error };
}
