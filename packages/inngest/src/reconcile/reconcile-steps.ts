import type { ClerkClient } from "@clerk/backend";
import type { Db } from "@repo/db/client";
import {
  type ClerkUserJson,
  findUsersNotListedSince,
  markUsersDeleted,
  markUsersListed,
  type ReconciliationCounts,
  upsertUsersFromClerk,
  userSyncRowFromClerk,
} from "@repo/db/users";
import { CLERK_ID_FILTER_LIMIT, CLERK_PAGE_SIZE, findClerkUsersById, listClerkUsers } from "./clerk-user-list.ts";

/**
 * The units of work of a reconciliation, shared by the Inngest function (one step each) and the
 * `pnpm users:backfill` command. Each is safe to repeat: the writes go through the same upsert as the
 * webhooks, so a retried page, or a user a webhook updated meanwhile, is never rolled back.
 */
export type ReconcileDeps = { db: Db; clerk: ClerkClient };

export type PageResult = Omit<ReconciliationCounts, "tombstoned"> & { isLastPage: boolean; totalInClerk: number };

/** Lists one page of Clerk's users and writes it in one batched statement. */
export async function reconcilePage(deps: ReconcileDeps, offset: number, runStartedAt: Date): Promise<PageResult> {
  const { users, totalCount } = await listClerkUsers(deps.clerk, offset);
  const counts = await writeListedUsers(deps.db, users, runStartedAt);
  return { ...counts, isLastPage: users.length < CLERK_PAGE_SIZE, totalInClerk: totalCount };
}

async function writeListedUsers(db: Db, users: readonly ClerkUserJson[], runStartedAt: Date) {
  const outcomes = await db.transaction().execute(async (trx) => {
    const written = await upsertUsersFromClerk(trx, users.map(userSyncRowFromClerk));
    await markUsersListed(
      trx,
      users.map((user) => user.id),
      runStartedAt,
    );
    return written;
  });
  const created = outcomes.filter((o) => o.outcome === "created").length;
  return {
    listed: users.length,
    created,
    updated: outcomes.length - created,
    unchanged: users.length - outcomes.length,
  };
}

/**
 * After a listing that completed, tombstones live users Clerk no longer has. Offset paging can skip a
 * user when others are deleted mid-listing, so no one is tombstoned on absence alone: each candidate is
 * looked up by id first, and only those Clerk does not return are tombstoned (the rest are written and
 * marked listed). Works through at most CLERK_ID_FILTER_LIMIT candidates a call; returns whether any remain.
 */
export async function tombstoneUnlistedBatch(
  deps: ReconcileDeps,
  runStartedAt: Date,
): Promise<{ counts: Omit<ReconciliationCounts, "listed">; hasMore: boolean }> {
  const candidates = await findUsersNotListedSince(deps.db, runStartedAt, CLERK_ID_FILTER_LIMIT);
  if (candidates.length === 0)
    return { counts: { created: 0, updated: 0, unchanged: 0, tombstoned: 0 }, hasMore: false };
  const stillInClerk = await findClerkUsersById(deps.clerk, candidates);
  const { created, updated, unchanged } = await writeListedUsers(deps.db, stillInClerk, runStartedAt);
  const present = new Set(stillInClerk.map((user) => user.id));
  const tombstoned = await markUsersDeleted(
    deps.db,
    candidates.filter((id) => !present.has(id)),
  );
  return {
    counts: { created, updated, unchanged, tombstoned: tombstoned.length },
    hasMore: candidates.length === CLERK_ID_FILTER_LIMIT,
  };
}
