// What other packages use of the reconciliation: the in-process run (the benchmark) and the default
// tombstone limit (the server's settings). Everything else stays inside the sync domain.
export { runReconciliation } from "./run-reconciliation.ts";
export { DEFAULT_TOMBSTONE_LIMIT } from "./tombstone-limit.ts";
