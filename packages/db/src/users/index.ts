export type { User } from "../schema.ts";
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
  findUserById,
  markUserDeleted,
  markUsersDeleted,
  type ProfileUpdate,
  type UpsertOutcome,
  updateUserProfile,
  upsertUsersFromClerk,
} from "./repository.ts";
