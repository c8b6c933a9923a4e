export type { ReconciliationRun, SkippedUser, User } from "../schema.ts";
export {
  addCounts,
  checkTombstoneCandidates,
  emptyCounts,
  failInngestReconciliationRun,
  findLatestReconciliationRun,
  findUsersNotListedSince,
  finishReconciliationRun,
  markUsersListed,
  ReconciliationAlreadyRunningError,
  type ReconciliationCounts,
  type RunStartOptions,
  SKIPPED_USERS_NAMED,
  startReconciliationRun,
  type TombstoneCheck,
} from "./reconciliation.ts";
export {
  findUserById,
  markUserDeleted,
  markUsersDeleted,
  newestPerUser,
  type ProfileUpdate,
  type UpsertOutcome,
  type UserSyncRow,
  updateUserProfile,
  upsertUsersFromClerk,
} from "./repository.ts";
