export {
  type ClerkUserJson,
  clerkDeletedUserSchema,
  clerkUserJsonSchema,
  parseClerkUser,
  parseDeletedClerkUser,
  primaryEmailOf,
} from "./clerk-user.ts";
export { userSyncRowFromClerk } from "./user-row.ts";
