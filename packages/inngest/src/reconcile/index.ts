export { CLERK_PAGE_SIZE, ClerkRateLimitedError } from "./clerk-user-list.ts";
export { type ReconcileDeps, reconcilePage, tombstoneUnlistedBatch } from "./reconcile-steps.ts";
export { type ReconciliationReport, type RunOptions, runReconciliation } from "./run-reconciliation.ts";
