import { type Kysely, sql } from "kysely";
import type { Database, ReconciliationRun } from "../schema.ts";

type Executor = Kysely<Database>;

export type ReconciliationCounts = {
  listed: number;
  created: number;
  updated: number;
  unchanged: number;
  tombstoned: number;
};

export const emptyCounts = (): ReconciliationCounts => ({
  listed: 0,
  created: 0,
  updated: 0,
  unchanged: 0,
  tombstoned: 0,
});

export function addCounts(a: ReconciliationCounts, b: Partial<ReconciliationCounts>): ReconciliationCounts {
  return {
    listed: a.listed + (b.listed ?? 0),
    created: a.created + (b.created ?? 0),
    updated: a.updated + (b.updated ?? 0),
    unchanged: a.unchanged + (b.unchanged ?? 0),
    tombstoned: a.tombstoned + (b.tombstoned ?? 0),
  };
}

export class ReconciliationAlreadyRunningError extends Error {
  override name = "ReconciliationAlreadyRunningError";
}

/**
 * A run that has not finished after this long is taken to have crashed (its process died before it
 * could record the failure), so it no longer blocks new runs. Far longer than a listing of a million
 * users takes at Clerk's rate limits.
 */
const ABANDONED_AFTER = "6 hours";

/** Records the start of a run; refuses while another one is running (one at a time, by a unique index). */
export async function startReconciliationRun(db: Executor, trigger: string): Promise<ReconciliationRun> {
  await db
    .updateTable("reconciliation_runs")
    .set({ status: "failed", finished_at: sql`now()`, error: `abandoned: did not finish within ${ABANDONED_AFTER}` })
    .where("status", "=", "running")
    .where("started_at", "<", sql<Date>`now() - ${sql.lit(ABANDONED_AFTER)}::interval`)
    .execute();
  try {
    return await db
      .insertInto("reconciliation_runs")
      .values({ status: "running", trigger })
      .returningAll()
      .executeTakeFirstOrThrow();
  } catch (error) {
    if ((error as { code?: string }).code !== "23505") throw error;
    const running = await db
      .selectFrom("reconciliation_runs")
      .select("started_at")
      .where("status", "=", "running")
      .executeTakeFirst();
    throw new ReconciliationAlreadyRunningError(
      `A reconciliation is already running (started ${running?.started_at.toISOString() ?? "just now"})`,
    );
  }
}

export async function finishReconciliationRun(
  db: Executor,
  runId: number,
  outcome: { status: "succeeded" | "failed"; counts: ReconciliationCounts; error?: string },
): Promise<void> {
  await db
    .updateTable("reconciliation_runs")
    .set({ ...outcome.counts, status: outcome.status, error: outcome.error ?? null, finished_at: sql`now()` })
    .where("id", "=", runId)
    .execute();
}

export async function findLatestReconciliationRun(db: Executor): Promise<ReconciliationRun | undefined> {
  return db.selectFrom("reconciliation_runs").selectAll().orderBy("id", "desc").limit(1).executeTakeFirst();
}

/** Notes that these users were in Clerk's list during the run that started at `listedAt`. */
export async function markUsersListed(db: Executor, ids: readonly string[], listedAt: Date): Promise<void> {
  if (ids.length === 0) return;
  await db.updateTable("users").set({ last_listed_at: listedAt }).where("id", "in", ids).execute();
}

/**
 * Live users a complete listing that started at `runStartedAt` did not see. Only users Clerk created
 * before the run began count: one created during the run may have been added after the listing went
 * past its place, and its webhook will bring it anyway.
 */
export async function findUsersNotListedSince(db: Executor, runStartedAt: Date, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom("users")
    .select("id")
    .where("deleted_at", "is", null)
    .where("clerk_created_at", "<", runStartedAt)
    .where((eb) => eb.or([eb("last_listed_at", "is", null), eb("last_listed_at", "<", runStartedAt)]))
    .orderBy("id")
    .limit(limit)
    .execute();
  return rows.map((row) => row.id);
}

/** Records that the running reconciliation failed for good (its retries are exhausted). */
export async function failRunningReconciliation(db: Executor, error: string): Promise<void> {
  await db
    .updateTable("reconciliation_runs")
    .set({ status: "failed", error, finished_at: sql`now()` })
    .where("status", "=", "running")
    .execute();
}
