import type { Kysely } from "kysely";
import type { Database } from "../schema.ts";

/**
 * What every kind of Clerk object's sync shares (users, organizations, memberships), in one place each
 * kind imports without reaching into a sibling kind's folder.
 */

/** A database handle or an open transaction: repository functions work with either. */
export type Executor = Kysely<Database>;

/**
 * When Clerk created an object and its version (Clerk's `updated_at`), as every kind's sync row carries
 * them: Clerk always sends both, so only a tombstone holds null in these columns.
 */
export type ClerkTimestamps = { clerk_created_at: Date; clerk_updated_at: Date };

/** A row an upsert created or changed; a row missing from an upsert's result was left alone. */
export type UpsertOutcome = { id: string; outcome: "created" | "updated" };

/**
 * One row per id, the newest by Clerk's `updated_at` (the first of equals). A batch upsert may not touch
 * a row twice, and the older duplicate would lose to the version guard anyway. In id order: see
 * inIdOrder.
 */
export function newestPerId<Row extends { id: string; clerk_updated_at: Date }>(rows: readonly Row[]): Row[] {
  const newest = new Map<string, Row>();
  for (const row of rows) {
    const seen = newest.get(row.id);
    if (!seen || seen.clerk_updated_at < row.clerk_updated_at) newest.set(row.id, row);
  }
  return inIdOrder([...newest.values()]);
}

/**
 * The rows sorted by id. A statement writing many rows locks them in the order it writes them; two
 * batches sharing rows (two sync runs at once, a run and a reconciliation) could each hold one row the
 * other waits for, and one of them would fail on a deadlock. Written in the same order, they queue.
 */
export function inIdOrder<Row extends { id: string }>(rows: readonly Row[]): Row[] {
  return [...rows].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The distinct ids, in order (see inIdOrder). */
export function uniqueIdsInOrder(ids: readonly string[]): string[] {
  return [...new Set(ids)].sort();
}
