// What other packages use of the reconciliation: the in-process runs (the benchmark, the development
// server's pull) and the pace they keep. Everything else stays inside the sync domain.
export { type ClerkPace, clerkPaceFor, createClerkPacer } from "./clerk-requests.ts";
// The operators' console (apps/server ops.reconcile) asks for a run with this event.
export { reconcileRequested } from "./events.ts";
export type { ReconcileDeps } from "./reconcile-steps.ts";
export { type ReconciliationReport, runIncrementalReconciliation, runReconciliation } from "./run-reconciliation.ts";
