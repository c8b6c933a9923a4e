export type { ReconciliationRun, User } from "../schema.ts";
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
  emptyCounts,
  failRunningReconciliation,
  findLatestReconciliationRun,
  findUsersNotListedSince,
  finishReconciliationRun,
  markUsersListed,
  ReconciliationAlreadyRunningError,
  type ReconciliationCounts,
  startReconciliationRun,
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
