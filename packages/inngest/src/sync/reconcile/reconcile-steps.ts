import type { Db } from "@repo/db/client";
import {
  checkTombstoneCandidates,
  type ReconciliationCounts,
  type SkippedObject,
  type TombstoneCheck,
} from "@repo/db/reconciliation-runs";
import { findNotListedSince, markListed } from "@repo/db/sync";
import { type ClerkListing, parseListing } from "./clerk-listing.ts";
import { CLERK_ID_FILTER_LIMIT, CLERK_PAGE_SIZE, type ClerkApi } from "./clerk-requests.ts";
import type { ReconciledKind, TopLevelKind } from "./reconciled-kinds.ts";
import {
  describeTombstoneStop,
  exceedsTombstoneLimit,
  type KindCheck,
  type TombstoneLimit,
} from "./tombstone-limit.ts";

/**
 * The units of work of a reconciliation, shared by the Inngest function (one step each) and the
 * `pnpm clerk:backfill` command, one generic unit per kind of Clerk object (reconciled-kinds.ts). Each
 * is safe to repeat: the writes go through the same upserts as the webhooks, so a retried page, or an
 * object a webhook updated meanwhile, is never rolled back.
 */
export type ReconcileDeps = ClerkApi & { db: Db };

/** The run a step works for: its row, and when it started (what "listed during this run" means). */
export type RunRef = { id: number; startedAt: Date };

export type WriteCounts = Omit<ReconciliationCounts, "listed" | "tombstoned">;
export type Written = { counts: WriteCounts; skipped: SkippedObject[] };

export type PageResult = Omit<ReconciliationCounts, "tombstoned"> & {
  skipped: SkippedObject[];
  isLastPage: boolean;
  totalInClerk: number;
};

/** Lists one page of Clerk's users or organizations and writes it in one batched statement. */
export async function reconcileListPage<T extends { id: string }>(
  deps: ReconcileDeps,
  kind: TopLevelKind<T>,
  offset: number,
  runStartedAt: Date,
): Promise<PageResult> {
  const page = parseListing(await kind.listPage(deps, offset), kind);
  const written = await writeListed(deps.db, kind, page, runStartedAt);
  return listedPageResult(page, written, page.returned < CLERK_PAGE_SIZE);
}

/** What a unit that listed and wrote one page reports. */
export function listedPageResult(
  page: Pick<ClerkListing<unknown>, "returned" | "skipped" | "totalCount">,
  written: Written,
  isLastPage: boolean,
): PageResult {
  return {
    listed: page.returned,
    ...written.counts,
    skipped: [...page.skipped, ...written.skipped],
    isLastPage,
    totalInClerk: page.totalCount,
  };
}

/**
 * Writes what Clerk returned and marks every id listed, the skipped ones too: they are in Clerk, so
 * they must not become candidates for a tombstone.
 */
export async function writeListed<T extends { id: string }>(
  db: Db,
  kind: ReconciledKind<T>,
  listing: Pick<ClerkListing<T>, "valid" | "ids">,
  listedAt: Date,
): Promise<Written> {
  let outcomes: { outcome: "created" | "updated" }[];
  const skipped: SkippedObject[] = [];
  try {
    outcomes = await db.transaction().execute(async (trx) => {
      const written = await kind.upsert(trx, listing.valid);
      await markListed(trx, kind.table, listing.ids, listedAt);
      return written;
    });
  } catch (error) {
    if (!isRefusedValue(error)) throw error;
    // One row Postgres refuses fails the whole statement, and would fail it again on every retry. The
    // parser refuses what is known up front; for anything else, write one object at a time so the
    // refused one is skipped and named, and the rest of the page is written.
    outcomes = [];
    for (const item of listing.valid) {
      try {
        outcomes.push(...(await kind.upsert(db, [item])));
      } catch (itemError) {
        if (!isRefusedValue(itemError)) throw itemError;
        skipped.push({ id: item.id, reason: `the database refused it: ${itemError.message}` });
      }
    }
    await markListed(db, kind.table, listing.ids, listedAt);
  }
  const created = outcomes.filter((o) => o.outcome === "created").length;
  const stored = listing.valid.length - skipped.length;
  return { counts: { created, updated: outcomes.length - created, unchanged: stored - outcomes.length }, skipped };
}

export function addWriteCounts<T extends WriteCounts>(a: T, b: WriteCounts): T {
  return { ...a, created: a.created + b.created, updated: a.updated + b.updated, unchanged: a.unchanged + b.unchanged };
}

/**
 * Postgres refused a value (SQLSTATE class 22, data exception: a NUL, malformed JSON, an impossible
 * date): the same row fails again however often it is retried. Anything else (connection lost,
 * timeout) is the database's trouble, not the row's, and the step is retried whole.
 */
export function isRefusedValue(error: unknown): error is Error & { code: string } {
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof Error && typeof code === "string" && code.startsWith("22");
}

export type TombstoneVerdict = {
  users: TombstoneCheck;
  /**
   * The same check for organizations (memberships are confirmed one by one instead, see docs/reconciliation.md);
   * null when Clerk has organizations turned off, so none are listed and none may be tombstoned.
   */
  organizations: TombstoneCheck | null;
  stopReason: string | undefined;
};

/**
 * The guard before any tombstone, once the listing is complete: counts the live users and organizations
 * and those the listing did not see (the most that could be tombstoned), records them on the run, and
 * says whether the run must stop. Counting before the look-ups by id means a wrong instance's empty
 * listing is caught before a single tombstone, and without a look-up per user. Users and organizations
 * are each held to the limit; either over it stops the whole run. With organizations off in Clerk
 * none were listed, so every stored one would look gone: they are not counted (nor tombstoned).
 */
export async function checkTombstoneLimit(
  db: Db,
  run: RunRef,
  options: { limit: TombstoneLimit; allowMassTombstone: boolean; organizationsEnabled: boolean },
): Promise<TombstoneVerdict> {
  const users = await checkTombstoneCandidates(db, run.id, "users", run.startedAt);
  const organizations = options.organizationsEnabled
    ? await checkTombstoneCandidates(db, run.id, "organizations", run.startedAt)
    : null;
  const checks: KindCheck[] = [
    { kind: "users", ...users },
    ...(organizations ? [{ kind: "organizations" as const, ...organizations }] : []),
  ];
  const over = options.allowMassTombstone
    ? undefined
    : checks.find((check) => exceedsTombstoneLimit(check, options.limit));
  return { users, organizations, stopReason: over ? describeTombstoneStop(over, options.limit) : undefined };
}

export type TombstoneBatch = {
  counts: Omit<ReconciliationCounts, "listed">;
  skipped: SkippedObject[];
  hasMore: boolean;
};

/**
 * After a listing that completed, tombstones live users or organizations Clerk no longer has (an
 * organization with its memberships). Offset paging can skip an object when others are deleted
 * mid-listing, so nothing is tombstoned on absence alone: of up to CLERK_ID_FILTER_LIMIT candidates,
 * each is looked up in Clerk by id, the ones Clerk still has are written (and marked listed), and only
 * those it does not return are tombstoned. Every id Clerk returned counts as present, valid or not: a
 * row we cannot store is still not one to tombstone. Returns whether candidates remain.
 */
export async function tombstoneUnlistedBatch<T extends { id: string }>(
  deps: ReconcileDeps,
  kind: TopLevelKind<T>,
  runStartedAt: Date,
): Promise<TombstoneBatch> {
  const candidates = await findNotListedSince(deps.db, kind.table, runStartedAt, CLERK_ID_FILTER_LIMIT);
  if (candidates.length === 0)
    return { counts: { created: 0, updated: 0, unchanged: 0, tombstoned: 0 }, skipped: [], hasMore: false };
  const stillInClerk = parseListing(await kind.findById(deps, candidates), kind);
  const written = await writeListed(deps.db, kind, stillInClerk, runStartedAt);
  const present = new Set(stillInClerk.ids);
  const tombstoned = await kind.markDeleted(
    deps.db,
    candidates.filter((id) => !present.has(id)),
  );
  return {
    counts: { ...written.counts, tombstoned: tombstoned.length },
    skipped: [...stillInClerk.skipped, ...written.skipped],
    hasMore: candidates.length === CLERK_ID_FILTER_LIMIT,
  };
}
