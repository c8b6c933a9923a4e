export { CLERK_PAGE_SIZE, ClerkRateLimitedError } from "./clerk-requests.ts";
export {
  type DriveOptions,
  driveReconciliation,
  type ReconciliationOutcome,
  type RunStep,
} from "./reconcile-driver.ts";
export {
  checkTombstoneLimit,
  type ReconcileDeps,
  reconcilePage,
  type TombstoneVerdict,
  tombstoneUnlistedBatch,
} from "./reconcile-steps.ts";
export { type ReconciliationReport, type RunOptions, runReconciliation } from "./run-reconciliation.ts";
export {
  DEFAULT_TOMBSTONE_LIMIT,
  parseTombstoneLimit,
  type TombstoneLimit,
  tombstoneLimitSchema,
} from "./tombstone-limit.ts";
