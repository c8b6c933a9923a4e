export {
  type ClerkDeletedUser,
  type ClerkUserJson,
  clerkDeletedUserSchema,
  clerkUserJsonSchema,
} from "./clerk-user.ts";
export { userSyncRowFromClerk } from "./user-row.ts";
