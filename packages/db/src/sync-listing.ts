import type { ExpressionBuilder, Kysely } from "kysely";
import type { Database } from "./schema.ts";

/** The tables a reconciliation lists from Clerk and may tombstone from; each has these columns. */
export type ListedTable = "users" | "organizations" | "organization_memberships";

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
  db: Kysely<Database>,
  table: "users" | "organizations",
  runStartedAt: Date,
  limit: number,
): Promise<string[]> {
  const rows = await db
    .selectFrom(table)
    .select("id")
    .where("deleted_at", "is", null)
    .where((eb) => wasNotListedSince(eb, runStartedAt))
    .orderBy("id")
    .limit(limit)
    .execute();
  return rows.map((row) => row.id);
}

/** The live rows of `table`, and how many of them findNotListedSince would return. */
export async function countLiveAndNotListed(
  db: Kysely<Database>,
  table: "users" | "organizations",
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
