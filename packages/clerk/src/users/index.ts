export {
  type ClerkUserJson,
  clerkDeletedUserSchema,
  clerkUserJsonSchema,
  parseClerkUser,
} from "./clerk-user.ts";
export { userSyncRowFromClerk } from "./user-row.ts";
