export {
  type ClerkUserJson,
  clerkDeletedUserSchema,
  clerkUserJsonSchema,
  parseClerkUser,
  primaryEmailOf,
} from "./clerk-user.ts";
export { userSyncRowFromClerk } from "./user-row.ts";
