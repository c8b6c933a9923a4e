import type { Kysely } from "kysely";
import type { Database } from "../schema.ts";
import { countLiveAndNotListed, findNotListedSince } from "../sync-listing.ts";

type Executor = Kysely<Database>;

/** Notes that these organizations were in Clerk's list during the run that started at `listedAt`. */
export async function markOrganizationsListed(db: Executor, ids: readonly string[], listedAt: Date): Promise<void> {
  if (ids.length === 0) return;
  await db.updateTable("organizations").set({ last_listed_at: listedAt }).where("id", "in", ids).execute();
}

/**
 * Live organizations the listing of the run that started at `runStartedAt` saw, in id order after
 * `afterId`: those whose memberships the run lists next.
 */
export async function findOrganizationsListedSince(
  db: Executor,
  runStartedAt: Date,
  afterId: string,
  limit: number,
): Promise<string[]> {
  const rows = await db
    .selectFrom("organizations")
    .select("id")
    .where("deleted_at", "is", null)
    .where("last_listed_at", ">=", runStartedAt)
    .where("id", ">", afterId)
    .orderBy("id")
    .limit(limit)
    .execute();
  return rows.map((row) => row.id);
}

/**
 * Live organizations a complete listing that started at `runStartedAt` did not see. As for users, only
 * those Clerk created before the run began count: a newer one's webhook brings it anyway.
 */
export async function findOrganizationsNotListedSince(
  db: Executor,
  runStartedAt: Date,
  limit: number,
): Promise<string[]> {
  return findNotListedSince(db, "organizations", runStartedAt, limit);
}

export type OrganizationTombstoneCheck = { liveOrganizations: number; candidates: number };

/**
 * Counts, before any organization is tombstoned, the live organizations and the candidates for a
 * tombstone (those findOrganizationsNotListedSince would return), and records both on the run.
 */
export async function checkOrganizationTombstoneCandidates(
  db: Executor,
  runId: number,
  runStartedAt: Date,
): Promise<OrganizationTombstoneCheck> {
  const counts = await countLiveAndNotListed(db, "organizations", runStartedAt);
  const check = { liveOrganizations: counts.live, candidates: counts.notListed };
  await db
    .updateTable("reconciliation_runs")
    .set({ live_organizations: check.liveOrganizations, organization_tombstone_candidates: check.candidates })
    .where("id", "=", runId)
    .execute();
  return check;
}
