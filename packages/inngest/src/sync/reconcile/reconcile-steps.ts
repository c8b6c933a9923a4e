import type { ClerkClient } from "@clerk/backend";
import { userSyncRowFromClerk } from "@repo/clerk/users";
import type { Db } from "@repo/db/client";
import { checkOrganizationTombstoneCandidates, type OrganizationTombstoneCheck } from "@repo/db/organizations";
import {
  checkTombstoneCandidates,
  findUsersNotListedSince,
  markUsersDeleted,
  markUsersListed,
  type ReconciliationCounts,
  type SkippedUser,
  type TombstoneCheck,
  type UpsertOutcome,
  upsertUsersFromClerk,
} from "@repo/db/users";
import {
  CLERK_ID_FILTER_LIMIT,
  CLERK_PAGE_SIZE,
  type ClerkUserPage,
  findClerkUsersById,
  listClerkUsers,
} from "./clerk-user-list.ts";
import {
  describeTombstoneStop,
  exceedsTombstoneLimit,
  type KindCheck,
  type TombstoneLimit,
} from "./tombstone-limit.ts";

/**
 * The units of work of a reconciliation, shared by the Inngest function (one step each) and the
 * `pnpm users:backfill` command. Each is safe to repeat: the writes go through the same upsert as the
 * webhooks, so a retried page, or a user a webhook updated meanwhile, is never rolled back.
 */
export type ReconcileDeps = { db: Db; clerk: ClerkClient };

/** The run a step works for: its row, and when it started (what "listed during this run" means). */
export type RunRef = { id: number; startedAt: Date };

export type PageResult = Omit<ReconciliationCounts, "tombstoned"> & {
  skipped: SkippedUser[];
  isLastPage: boolean;
  totalInClerk: number;
};

/** Lists one page of Clerk's users and writes it in one batched statement. */
export async function reconcilePage(deps: ReconcileDeps, offset: number, runStartedAt: Date): Promise<PageResult> {
  const page = await listClerkUsers(deps.clerk, offset);
  const written = await writeListedUsers(deps.db, page, runStartedAt);
  return {
    listed: page.returned,
    ...written.counts,
    skipped: [...page.skipped, ...written.skipped],
    isLastPage: page.returned < CLERK_PAGE_SIZE,
    totalInClerk: page.totalCount,
  };
}

/**
 * Writes the users Clerk returned and marks every one of them listed, the skipped ones too: they are
 * in Clerk, so they must not become candidates for a tombstone.
 */
export async function writeListedUsers(
  db: Db,
  page: Pick<ClerkUserPage, "users" | "ids">,
  runStartedAt: Date,
): Promise<{ counts: Omit<ReconciliationCounts, "listed" | "tombstoned">; skipped: SkippedUser[] }> {
  let outcomes: UpsertOutcome[];
  const skipped: SkippedUser[] = [];
  try {
    outcomes = await db.transaction().execute(async (trx) => {
      const written = await upsertUsersFromClerk(trx, page.users.map(userSyncRowFromClerk));
      await markUsersListed(trx, page.ids, runStartedAt);
      return written;
    });
  } catch (error) {
    if (!isRefusedValue(error)) throw error;
    // One row Postgres refuses fails the whole statement, and would fail it again on every retry. The
    // parser refuses what is known up front; for anything else, write one user at a time so the
    // refused one is skipped and named, and the rest of the page is written.
    outcomes = [];
    for (const user of page.users) {
      try {
        outcomes.push(...(await upsertUsersFromClerk(db, [userSyncRowFromClerk(user)])));
      } catch (rowError) {
        if (!isRefusedValue(rowError)) throw rowError;
        skipped.push({ id: user.id, reason: `the database refused it: ${rowError.message}` });
      }
    }
    await markUsersListed(db, page.ids, runStartedAt);
  }
  const created = outcomes.filter((o) => o.outcome === "created").length;
  const stored = page.users.length - skipped.length;
  return { counts: { created, updated: outcomes.length - created, unchanged: stored - outcomes.length }, skipped };
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

export type TombstoneVerdict = TombstoneCheck & {
  /**
   * The same check for organizations (memberships are confirmed one by one instead, see the README);
   * null when Clerk has organizations turned off, so none are listed and none may be tombstoned.
   */
  organizations: OrganizationTombstoneCheck | null;
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
  const check = await checkTombstoneCandidates(db, run.id, run.startedAt);
  const organizations = options.organizationsEnabled
    ? await checkOrganizationTombstoneCandidates(db, run.id, run.startedAt)
    : null;
  const kinds: KindCheck[] = [
    { kind: "users", live: check.liveUsers, candidates: check.candidates },
    ...(organizations
      ? [
          {
            kind: "organizations" as const,
            live: organizations.liveOrganizations,
            candidates: organizations.candidates,
          },
        ]
      : []),
  ];
  const over = options.allowMassTombstone
    ? undefined
    : kinds.find((kind) => exceedsTombstoneLimit(kind, options.limit));
  return { ...check, organizations, stopReason: over ? describeTombstoneStop(over, options.limit) : undefined };
}

/**
 * After a listing that completed, tombstones live users Clerk no longer has. Offset paging can skip a
 * user when others are deleted mid-listing, so no one is tombstoned on absence alone: each candidate is
 * looked up by id first, and only those Clerk does not return are tombstoned (the rest are written and
 * marked listed). Works through at most CLERK_ID_FILTER_LIMIT candidates a call; returns whether any remain.
 */
export async function tombstoneUnlistedBatch(deps: ReconcileDeps, runStartedAt: Date): Promise<TombstoneBatch> {
  return confirmAndTombstone({
    candidates: await findUsersNotListedSince(deps.db, runStartedAt, CLERK_ID_FILTER_LIMIT),
    findInClerk: (ids) => findClerkUsersById(deps.clerk, ids),
    writeListed: (found) => writeListedUsers(deps.db, found, runStartedAt),
    markDeleted: (ids) => markUsersDeleted(deps.db, ids),
  });
}

export type TombstoneBatch = {
  counts: Omit<ReconciliationCounts, "listed">;
  skipped: SkippedUser[];
  hasMore: boolean;
};

/**
 * The tombstone step users and organizations share: of up to CLERK_ID_FILTER_LIMIT candidates, look
 * each up in Clerk by id, write (and mark listed) the ones Clerk still has, and tombstone only those
 * it does not return. Every id Clerk returned counts as present, valid or not: a row we cannot store
 * is still not one to tombstone.
 */
export async function confirmAndTombstone<Found extends { ids: readonly string[]; skipped: SkippedUser[] }>(batch: {
  candidates: string[];
  findInClerk: (ids: readonly string[]) => Promise<Found>;
  writeListed: (found: Found) => Promise<{
    counts: Omit<ReconciliationCounts, "listed" | "tombstoned">;
    skipped: SkippedUser[];
  }>;
  markDeleted: (ids: readonly string[]) => Promise<string[]>;
}): Promise<TombstoneBatch> {
  const { candidates } = batch;
  if (candidates.length === 0)
    return { counts: { created: 0, updated: 0, unchanged: 0, tombstoned: 0 }, skipped: [], hasMore: false };
  const stillInClerk = await batch.findInClerk(candidates);
  const written = await batch.writeListed(stillInClerk);
  const present = new Set(stillInClerk.ids);
  const tombstoned = await batch.markDeleted(candidates.filter((id) => !present.has(id)));
  return {
    counts: { ...written.counts, tombstoned: tombstoned.length },
    skipped: [...stillInClerk.skipped, ...written.skipped],
    hasMore: candidates.length === CLERK_ID_FILTER_LIMIT,
  };
}
