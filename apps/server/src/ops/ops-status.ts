import type { Db } from "@repo/db/client";
import {
  countsOfRun,
  listRecentReconciliationRuns,
  type ReconciliationCounts,
  type ReconciliationRun,
  type SkippedObject,
} from "@repo/db/reconciliation-runs";
import { findSyncActivityAt, type SyncedTableStats, summariseSyncedTables } from "@repo/db/sync";
import { headlineOfRun, type RunHeadline } from "../sync/run-headline.ts";
import type { ClerkUserCount } from "./clerk-user-count.ts";

/** How many runs the console shows: enough to see a pattern (a run stopping every night), few enough to read. */
export const RECENT_RUNS_SHOWN = 20;

/** A reconciliation run as an operator sees it: everything, the error text and skipped ids included. */
export type OperatorRunView = RunHeadline & {
  /** From start to finish (null while running). */
  durationMs: number | null;
  counts: { users: ReconciliationCounts; organizations: ReconciliationCounts; memberships: ReconciliationCounts };
  /** Why the run failed or stopped (Clerk's and the database's own words). */
  error: string | null;
  /** Users, organizations and memberships Clerk returned that could not be stored: how many, and the first by id. */
  skipped: { count: number; objects: SkippedObject[] };
  /** Live users before the run tombstoned any, and how many it would have tombstoned (null: it did not get there). */
  liveUsers: number | null;
  tombstoneCandidates: number | null;
  massTombstoneAllowed: boolean;
  /** What Clerk said of its organizations feature (null: the run never asked). */
  organizationsEnabled: boolean | null;
};

export type SyncHealth = { state: "in_sync" | "drifting" | "failing"; reason: string };

export type OpsStatus = {
  health: SyncHealth;
  tables: SyncedTableStats[];
  clerkUsers: ClerkUserCount & {
    /** Live users in this database, beside Clerk's count. */
    liveUsers: number;
    /** Clerk's count minus the live users: positive, users are missing here; negative, extra here. */
    difference: number | null;
  };
  runs: OperatorRunView[];
  /** A run of either kind is going: the console refreshes itself until it ends. */
  isRunning: boolean;
  /** When a verified Clerk webhook last arrived, at any replica (null: none since the table was made). */
  lastWebhookReceivedAt: Date | null;
  /** When a sync (a webhook's event or a reconciliation) last changed a row of any synced table. */
  lastSyncAppliedAt: Date | null;
};

/** Everything ops.status answers, from the database and Clerk's (remembered) count. */
export async function readOpsStatus(db: Db, countClerkUsers: () => Promise<ClerkUserCount>): Promise<OpsStatus> {
  const [tables, runs, webhookAt, clerkCount] = await Promise.all([
    summariseSyncedTables(db),
    listRecentReconciliationRuns(db, RECENT_RUNS_SHOWN),
    findSyncActivityAt(db, "webhook_received"),
    countClerkUsers(),
  ]);
  const liveUsers = tables.find((table) => table.table === "users")?.live ?? 0;
  const clerkUsers = {
    ...clerkCount,
    liveUsers,
    difference: clerkCount.isAvailable ? clerkCount.count - liveUsers : null,
  };
  const runViews = runs.map(viewRun);
  return {
    health: judgeHealth(runViews, clerkUsers),
    tables,
    clerkUsers,
    runs: runViews,
    isRunning: runViews.some((run) => run.status === "running"),
    lastWebhookReceivedAt: webhookAt ?? null,
    lastSyncAppliedAt: newest(tables.map((table) => table.lastSyncedAt)),
  };
}

/**
 * In one word and one sentence. Failing: the latest run of a kind failed or stopped (a stopped full run
 * tombstoned nobody, so deletions in Clerk are not applied until someone looks). Drifting: Clerk counts
 * other users than we have live, or the latest run skipped objects it could not store. In sync otherwise,
 * saying so when Clerk's count could not be had to check.
 */
export function judgeHealth(runs: readonly OperatorRunView[], clerkUsers: OpsStatus["clerkUsers"]): SyncHealth {
  const latestOfEachKind = (["full", "incremental"] as const)
    .map((kind) => runs.find((run) => run.kind === kind && run.status !== "running"))
    .filter((run) => run !== undefined);
  const broken = latestOfEachKind.find((run) => run.status === "failed" || run.status === "stopped");
  if (broken) {
    return {
      state: "failing",
      reason: `The last ${broken.kind} reconciliation (#${broken.id}) ${broken.status}: ${broken.error ?? "no reason was recorded"}`,
    };
  }
  if (clerkUsers.difference !== null && clerkUsers.difference !== 0) {
    return {
      state: "drifting",
      reason: `Clerk counts ${clerkUsers.isAvailable ? clerkUsers.count : "?"} users, this database has ${clerkUsers.liveUsers} live`,
    };
  }
  const skipping = latestOfEachKind.find((run) => run.skipped.count > 0);
  if (skipping) {
    return {
      state: "drifting",
      reason: `The last ${skipping.kind} reconciliation (#${skipping.id}) skipped ${skipping.skipped.count} object(s) Clerk returned that could not be stored`,
    };
  }
  if (!clerkUsers.isAvailable) {
    return { state: "in_sync", reason: `No run failed; Clerk's user count is unavailable (${clerkUsers.reason})` };
  }
  return { state: "in_sync", reason: `Clerk's ${clerkUsers.count} users are all here, and no run failed` };
}

function viewRun(run: ReconciliationRun): OperatorRunView {
  return {
    ...headlineOfRun(run),
    durationMs: run.finished_at ? run.finished_at.getTime() - run.started_at.getTime() : null,
    counts: countsOfRun(run),
    error: run.error,
    skipped: { count: run.skipped, objects: run.skipped_users },
    liveUsers: run.live_users,
    tombstoneCandidates: run.tombstone_candidates,
    massTombstoneAllowed: run.mass_tombstone_allowed,
    organizationsEnabled: run.organizations_enabled,
  };
}

function newest(dates: readonly (Date | null)[]): Date | null {
  return dates.reduce<Date | null>((latest, date) => (date && (!latest || date > latest) ? date : latest), null);
}
