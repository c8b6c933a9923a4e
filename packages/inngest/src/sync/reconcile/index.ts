// What other packages use of the reconciliation: the in-process run (the benchmark). Everything else stays
// inside the sync domain.
export { type ReconciliationReport, runReconciliation } from "./run-reconciliation.ts";
