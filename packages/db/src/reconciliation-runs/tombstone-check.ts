import type { IdOrderedTable } from "../sync/listing.ts";
import { countLiveAndNotListed } from "../sync/listing.ts";
import type { Executor } from "../sync/types.ts";

/** Of one kind of Clerk object: how many rows are live, and how many the complete listing did not see. */
export type TombstoneCheck = { live: number; candidates: number };

/** Where a run records each kind's check (the users' columns came first, so carry no prefix). */
const CHECK_COLUMNS = {
  users: { live: "live_users", candidates: "tombstone_candidates" },
  organizations: { live: "live_organizations", candidates: "organization_tombstone_candidates" },
} as const;

/**
 * Counts, before anything of `table` is tombstoned, its live rows and the candidates for a tombstone
 * (the live rows findNotListedSince would return), and records both on the run.
 */
export async function checkTombstoneCandidates(
  db: Executor,
  runId: number,
  table: IdOrderedTable,
  runStartedAt: Date,
): Promise<TombstoneCheck> {
  const counts = await countLiveAndNotListed(db, table, runStartedAt);
  const columns = CHECK_COLUMNS[table];
  await db
    .updateTable("reconciliation_runs")
    .set({ [columns.live]: counts.live, [columns.candidates]: counts.notListed })
    .where("id", "=", runId)
    .execute();
  return { live: counts.live, candidates: counts.notListed };
}
