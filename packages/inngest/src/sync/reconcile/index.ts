// What other packages use of the reconciliation: the in-process runs (the benchmark, the development
// server's pull) and the pace they keep. Everything else stays inside the sync domain.
export { type ClerkPace, clerkPaceFor, createClerkPacer } from "./clerk-requests.ts";
export type { ReconcileDeps } from "./reconcile-steps.ts";
export { type ReconciliationReport, runIncrementalReconciliation, runReconciliation } from "./run-reconciliation.ts";
