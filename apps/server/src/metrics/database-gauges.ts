import type { Db } from "@repo/db/client";
import { summariseSyncedTables } from "@repo/db/sync";
import { Gauge, type Registry } from "prom-client";

/**
 * How long a scrape waits for the database. Prometheus gives a scrape 10 s by default; past this the
 * database's gauges are left out of the answer (and `app_database_metrics_up` says 0), so the process'
 * own metrics still arrive.
 */
export const DATABASE_METRICS_DEADLINE_MS = 2_000;

/**
 * What the database holds, read on each scrape: live rows and tombstones per synced table, and the
 * reconciliation runs by kind and status with the last finished run's duration. Read from Postgres, not
 * counted in the process, because the runs happen on whichever replica Inngest called, and any replica
 * may be scraped.
 */
export function registerDatabaseGauges(registry: Registry, db: Db): () => Promise<void> {
  // Every gauge here is read from the database on a scrape and answers in this registry.
  const gauge = <Label extends string = never>(name: string, help: string, labelNames: readonly Label[] = []) =>
    new Gauge<Label>({ name, help, labelNames, registers: [registry] });
  const rows = gauge(
    "app_synced_rows",
    "Rows of each synced table: state=live, or state=tombstone (deleted in Clerk)",
    ["table", "state"],
  );
  const runs = gauge(
    "app_reconciliation_runs",
    "Reconciliation runs recorded, by kind (full, incremental) and status (running, succeeded, failed, stopped)",
    ["kind", "status"],
  );
  const lastDuration = gauge(
    "app_reconciliation_last_duration_seconds",
    "How long the latest finished reconciliation run of each kind took, labelled with how it ended",
    ["kind", "status"],
  );
  const up = gauge(
    "app_database_metrics_up",
    "1 when the database answered this scrape's queries in time, 0 when its gauges are missing",
  );

  return async function refresh() {
    // Cleared first: a gauge the database did not answer for must be missing, never a stale value.
    for (const gauge of [rows, runs, lastDuration]) gauge.reset();
    try {
      const [tables, runCounts, lastRuns] = await withinDeadline(
        Promise.all([summariseSyncedTables(db), countRunsByKindAndStatus(db), findLastFinishedRunPerKind(db)]),
      );
      for (const table of tables) {
        rows.set({ table: table.table, state: "live" }, table.live);
        rows.set({ table: table.table, state: "tombstone" }, table.tombstones);
      }
      for (const count of runCounts) runs.set({ kind: count.kind, status: count.status }, Number(count.runs));
      for (const run of lastRuns) {
        if (!run.finished_at) continue;
        const seconds = (run.finished_at.getTime() - run.started_at.getTime()) / 1000;
        lastDuration.set({ kind: run.kind, status: run.status }, seconds);
      }
      up.set(1);
    } catch {
      for (const gauge of [rows, runs, lastDuration]) gauge.reset();
      up.set(0);
    }
  };
}

async function countRunsByKindAndStatus(db: Db) {
  return db
    .selectFrom("reconciliation_runs")
    .select((eb) => ["kind", "status", eb.fn.countAll<string>().as("runs")])
    .groupBy(["kind", "status"])
    .execute();
}

async function findLastFinishedRunPerKind(db: Db) {
  return db
    .selectFrom("reconciliation_runs")
    .distinctOn("kind")
    .select(["kind", "status", "started_at", "finished_at"])
    .where("finished_at", "is not", null)
    .orderBy("kind")
    .orderBy("id", "desc")
    .execute();
}

async function withinDeadline<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(reject, DATABASE_METRICS_DEADLINE_MS, new Error("the database did not answer in time"));
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
