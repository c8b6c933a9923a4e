import type { Expression, ExpressionBuilder, SqlBool } from "kysely";
import type { Database } from "../schema.ts";
import type { Executor } from "./types.ts";

/** The tables a reconciliation lists from Clerk and may tombstone from; each has these columns. */
export type ListedTable = "users" | "organizations" | "organization_memberships";

/** The tables whose tombstone candidates are taken in id order (memberships go by organization, see there). */
export type IdOrderedTable = Exclude<ListedTable, "organization_memberships">;

/** Notes that these rows were in Clerk's lists during the run that started at `listedAt`. */
export async function markListed(
  db: Executor,
  table: ListedTable,
  ids: readonly string[],
  listedAt: Date,
): Promise<void> {
  if (ids.length === 0) return;
  await db.updateTable(table).set({ last_listed_at: listedAt }).where("id", "in", ids).execute();
}

/**
 * The rows a complete listing that started at `runStartedAt` did not see: candidates for a tombstone.
 * Only rows Clerk created before the run began count: one created during the run may have been added
 * after the listing went past its place, and its webhook will bring it anyway. One definition for every
 * table, so a candidate count always agrees with the candidates listed.
 */
export function wasNotListedSince(eb: ExpressionBuilder<Database, ListedTable>, runStartedAt: Date) {
  return eb.and([
    eb("clerk_created_at", "<", runStartedAt),
    eb.or([eb("last_listed_at", "is", null), eb("last_listed_at", "<", runStartedAt)]),
  ]);
}

/** Live rows of `table` that the listing did not see, in id order: at most `limit` of them. */
export async function findNotListedSince(
  db: Executor,
  table: IdOrderedTable,
  runStartedAt: Date,
  limit: number,
): Promise<string[]> {
  return findLiveIds(db, table, (eb) => wasNotListedSince(eb, runStartedAt), limit);
}

/** The ids of the live rows of `table` that `filter` keeps, in id order: at most `limit` of them. */
export async function findLiveIds(
  db: Executor,
  table: IdOrderedTable,
  filter: (eb: ExpressionBuilder<Database, IdOrderedTable>) => Expression<SqlBool>,
  limit: number,
): Promise<string[]> {
  const rows = await db
    .selectFrom(table)
    .select("id")
    .where("deleted_at", "is", null)
    .where(filter)
    .orderBy("id")
    .limit(limit)
    .execute();
  return rows.map((row) => row.id);
}

/** The live rows of `table`, and how many of them findNotListedSince would return. */
export async function countLiveAndNotListed(
  db: Executor,
  table: IdOrderedTable,
  runStartedAt: Date,
): Promise<{ live: number; notListed: number }> {
  const counts = await db
    .selectFrom(table)
    .select((eb) => [
      eb.fn.countAll<string>().as("live"),
      eb.fn
        .countAll<string>()
        .filterWhere((eb) => wasNotListedSince(eb, runStartedAt))
        .as("notListed"),
    ])
    .where("deleted_at", "is", null)
    .executeTakeFirstOrThrow();
  return { live: Number(counts.live), notListed: Number(counts.notListed) };
}
