import { Counter } from "prom-client";

/** The kinds of Clerk object a sync event is about. */
export type SyncKind = "user" | "organization" | "membership";

/**
 * What a sync event did to its row. `unchanged`: nothing, because the row already had this version or a
 * newer one (a duplicate, a retry, an event that arrived late), which is the sync's ordering rules at
 * work, not a fault. `invalid`: nothing, because the event failed its parser or Postgres refused its data
 * (skipped and logged by the batch). Every other outcome wrote the row.
 */
export type SyncOutcome = "created" | "updated" | "ended" | "tombstoned" | "unchanged" | "invalid";

/**
 * Sync events applied and skipped, by kind and outcome. One counter for the process, as Prometheus
 * counts per process (per replica) and sums across them: the functions record into it wherever they
 * run, and the server's /metrics registry exposes it (apps/server metrics). It is registered in no
 * registry of its own (`registers: []`), so building the app twice in one process (tests) adds it twice
 * to nothing.
 */
export const syncEventsCounter = new Counter({
  name: "app_sync_events_total",
  help: "Clerk sync events handled, by kind of object and outcome; result=skipped: the row already had this version or newer (outcome=unchanged), or the event could not be written (outcome=invalid)",
  labelNames: ["kind", "result", "outcome"] as const,
  registers: [],
});

/** Counts one sync event's outcome: call it once the event's write is done. */
export function recordSyncOutcome(kind: SyncKind, outcome: SyncOutcome): void {
  const applied = outcome !== "unchanged" && outcome !== "invalid";
  syncEventsCounter.inc({ kind, result: applied ? "applied" : "skipped", outcome });
}
