export type { ReconciliationRun, SkippedUser, User } from "../schema.ts";
export {
  type ClerkDeletedUser,
  type ClerkUserJson,
  clerkDeletedUserSchema,
  clerkUserJsonSchema,
  describeIssues,
  newestPerUser,
  parseClerkUser,
  primaryEmailOf,
  type UserSyncRow,
  userSyncRowFromClerk,
} from "./clerk-user.ts";
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
  type ProfileUpdate,
  type UpsertOutcome,
  updateUserProfile,
  upsertUsersFromClerk,
} from "./repository.ts";
