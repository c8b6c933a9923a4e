import { sql } from "kysely";
import type { ReconciliationKind, ReconciliationRun, SkippedObject } from "../schema.ts";
import type { Executor } from "../sync/types.ts";

/**
 * A reconciliation run's row in `reconciliation_runs`: its start (one at a time), its counts per kind of
 * Clerk object, its end. The columns without a prefix (`listed` ... `tombstoned`) are the users'.
 */

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
 * could record the failure), so it no longer blocks new runs of its kind. For a full run, far longer
 * than a listing of a million users takes at Clerk's rate limits; an incremental run reads what changed
 * in minutes, so one that crashed must not hold back the next for hours.
 */
const ABANDONED_AFTER: Record<ReconciliationKind, string> = { full: "6 hours", incremental: "1 hour" };

export type RunStartOptions = {
  /** `full` unless said otherwise. */
  kind?: ReconciliationKind;
  /** The Inngest run doing the work, so its failure handler can find this row (none for the command line). */
  inngestRunId?: string;
  /** Whoever started it allowed more tombstones than the usual share (recorded for the audit trail). */
  massTombstoneAllowed?: boolean;
};

/**
 * Records the start of a run; refuses while another run of its kind is running (one at a time per kind,
 * by a unique index).
 */
export async function startReconciliationRun(
  db: Executor,
  trigger: string,
  options: RunStartOptions = {},
): Promise<ReconciliationRun> {
  const kind = options.kind ?? "full";
  const abandonedAfter = ABANDONED_AFTER[kind];
  await db
    .updateTable("reconciliation_runs")
    .set({ status: "failed", finished_at: sql`now()`, error: `abandoned: did not finish within ${abandonedAfter}` })
    .where("status", "=", "running")
    .where("kind", "=", kind)
    .where("started_at", "<", sql<Date>`now() - ${sql.lit(abandonedAfter)}::interval`)
    .execute();
  try {
    return await db
      .insertInto("reconciliation_runs")
      .values({
        status: "running",
        kind,
        trigger,
        inngest_run_id: options.inngestRunId ?? null,
        mass_tombstone_allowed: options.massTombstoneAllowed ?? false,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  } catch (error) {
    if ((error as { code?: string }).code !== "23505") throw error;
    const running = await findRunningReconciliation(db, kind);
    throw new ReconciliationAlreadyRunningError(
      `A${kind === "full" ? "" : "n incremental"} reconciliation is already running (started ${running?.started_at.toISOString() ?? "just now"})`,
    );
  }
}

/** The runs that have started and not finished yet. */
function selectRunningRuns(db: Executor) {
  return db.selectFrom("reconciliation_runs").selectAll().where("status", "=", "running");
}

/** The run of this kind that is going now, if any. */
export async function findRunningReconciliation(
  db: Executor,
  kind: ReconciliationKind,
): Promise<ReconciliationRun | undefined> {
  return selectRunningRuns(db).where("kind", "=", kind).executeTakeFirst();
}

/** The row this Inngest run started and has not finished, if any (its step may be running again). */
export async function findRunningReconciliationOfInngestRun(
  db: Executor,
  inngestRunId: string,
): Promise<ReconciliationRun | undefined> {
  return selectRunningRuns(db).where("inngest_run_id", "=", inngestRunId).executeTakeFirst();
}

/**
 * When the latest run that succeeded, of either kind, started (before `before`, when given): everything
 * Clerk changed before then was written by it (or by a webhook), so an incremental run reads Clerk's
 * changes from there on.
 */
export async function findLastSuccessfulRunStart(db: Executor, before?: Date): Promise<Date | undefined> {
  const run = await db
    .selectFrom("reconciliation_runs")
    .select("started_at")
    .where("status", "=", "succeeded")
    .$if(before !== undefined, (query) => query.where("started_at", "<", before as Date))
    .orderBy("started_at", "desc")
    .limit(1)
    .executeTakeFirst();
  return run?.started_at;
}

/** How many skipped objects a run's row names; the count covers them all. */
export const SKIPPED_OBJECTS_NAMED = 100;

export async function finishReconciliationRun(
  db: Executor,
  runId: number,
  outcome: {
    status: "succeeded" | "failed" | "stopped";
    counts: ReconciliationCounts;
    /** The same counts for organizations and memberships (zero when not given). */
    organizationCounts?: ReconciliationCounts;
    membershipCounts?: ReconciliationCounts;
    error?: string;
    /** Users, organizations and memberships Clerk returned that could not be stored (their ids say which). */
    skipped?: readonly SkippedObject[];
    /** What Clerk said of its organizations feature (left unknown when not given). */
    organizationsEnabled?: boolean;
  },
): Promise<void> {
  const skipped = [...new Map((outcome.skipped ?? []).map((user) => [user.id, user])).values()];
  await db
    .updateTable("reconciliation_runs")
    .set({
      ...outcome.counts,
      ...prefixedCounts("organizations", outcome.organizationCounts ?? emptyCounts()),
      ...prefixedCounts("memberships", outcome.membershipCounts ?? emptyCounts()),
      status: outcome.status,
      organizations_enabled: outcome.organizationsEnabled ?? null,
      error: outcome.error ?? null,
      skipped: skipped.length,
      // Escaped, because what made an object unstorable may be in its id too, and must not fail this write.
      skipped_users: JSON.stringify(
        skipped.slice(0, SKIPPED_OBJECTS_NAMED).map(({ id, reason }) => ({ id: escaped(id), reason: escaped(reason) })),
      ),
      finished_at: sql`now()`,
    })
    .where("id", "=", runId)
    .execute();
}

/** `{ listed: 3, ... }` as the run's columns `organizations_listed: 3, ...`. */
function prefixedCounts<K extends "organizations" | "memberships">(kind: K, counts: ReconciliationCounts) {
  return {
    [`${kind}_listed`]: counts.listed,
    [`${kind}_created`]: counts.created,
    [`${kind}_updated`]: counts.updated,
    [`${kind}_unchanged`]: counts.unchanged,
    [`${kind}_tombstoned`]: counts.tombstoned,
  } as Record<`${K}_${keyof ReconciliationCounts}`, number>;
}

/** The text with NULs, lone surrogates, quotes and backslashes written as JSON escapes. */
const escaped = (text: string) => JSON.stringify(text).slice(1, -1);

/** A run's counts per table, as its columns hold them (users' unprefixed, the others' prefixed). */
export function countsOfRun(
  run: ReconciliationRun,
): Record<"users" | "organizations" | "memberships", ReconciliationCounts> {
  const prefixed = (kind: "organizations" | "memberships"): ReconciliationCounts => ({
    listed: run[`${kind}_listed`],
    created: run[`${kind}_created`],
    updated: run[`${kind}_updated`],
    unchanged: run[`${kind}_unchanged`],
    tombstoned: run[`${kind}_tombstoned`],
  });
  return {
    users: {
      listed: run.listed,
      created: run.created,
      updated: run.updated,
      unchanged: run.unchanged,
      tombstoned: run.tombstoned,
    },
    organizations: prefixed("organizations"),
    memberships: prefixed("memberships"),
  };
}

export async function findLatestReconciliationRun(db: Executor): Promise<ReconciliationRun | undefined> {
  return db.selectFrom("reconciliation_runs").selectAll().orderBy("id", "desc").limit(1).executeTakeFirst();
}

/** The latest `limit` runs of either kind, newest first: the operators' console's history. */
export async function listRecentReconciliationRuns(db: Executor, limit: number): Promise<ReconciliationRun[]> {
  return db.selectFrom("reconciliation_runs").selectAll().orderBy("id", "desc").limit(limit).execute();
}

/**
 * Ends the runs a process started with this trigger and left `running` when it stopped without recording
 * their end (a development server killed mid-run). For a trigger only one process uses at a time, so no
 * such run can still be going: another trigger's runs (Inngest, the command line) are left alone.
 */
export async function failInterruptedRuns(db: Executor, trigger: string, error: string): Promise<number> {
  const result = await db
    .updateTable("reconciliation_runs")
    .set({ status: "failed", error, finished_at: sql`now()` })
    .where("trigger", "=", trigger)
    .where("status", "=", "running")
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * Records that the reconciliation of this Inngest run failed for good (its retries are exhausted). Only
 * that run's row: another run may be going meanwhile (`pnpm clerk:backfill`, or one that started after
 * this one was taken for abandoned), and it is not this failure's to end.
 */
export async function failInngestReconciliationRun(db: Executor, inngestRunId: string, error: string): Promise<void> {
  await db
    .updateTable("reconciliation_runs")
    .set({ status: "failed", error, finished_at: sql`now()` })
    .where("inngest_run_id", "=", inngestRunId)
    .where("status", "=", "running")
    .execute();
}
