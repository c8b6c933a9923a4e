export type { ReconciliationKind, ReconciliationRun, SkippedObject } from "../schema.ts";
export {
  addCounts,
  countsOfRun,
  emptyCounts,
  failInngestReconciliationRun,
  failInterruptedRuns,
  findLastSuccessfulRunStart,
  findLatestReconciliationRun,
  findRunningReconciliation,
  findRunningReconciliationOfInngestRun,
  finishReconciliationRun,
  listRecentReconciliationRuns,
  ReconciliationAlreadyRunningError,
  type ReconciliationCounts,
  type RunStartOptions,
  SKIPPED_OBJECTS_NAMED,
  startReconciliationRun,
} from "./runs.ts";
export { checkTombstoneCandidates, type TombstoneCheck } from "./tombstone-check.ts";
