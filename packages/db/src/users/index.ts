export type { User } from "../schema.ts";
export {
  findUserById,
  markUserDeleted,
  markUsersDeleted,
  type ProfileUpdate,
  type UserSyncRow,
  updateUserProfile,
  upsertUsersFromClerk,
} from "./repository.ts";
