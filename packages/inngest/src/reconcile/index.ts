export { CLERK_PAGE_SIZE, ClerkRateLimitedError } from "./clerk-user-list.ts";
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
