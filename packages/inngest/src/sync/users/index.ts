export {
  type ClerkDeletedUser,
  type ClerkUserJson,
  clerkDeletedUserSchema,
  clerkEmailAddressSchema,
  clerkUserJsonSchema,
  parseClerkUser,
  primaryEmailOf,
} from "./clerk-user.ts";
export {
  type ClerkUserWebhookType,
  clerkUserCreated,
  clerkUserDeleted,
  clerkUserEventTypes,
  clerkUserUpdated,
  parseClerkUserEventData,
} from "./user-events.ts";
export {
  createTombstoneClerkUserFunction,
  createUpsertClerkUserFunction,
  type TombstoneResult,
  type UpsertResult,
} from "./user-functions.ts";
export { userSyncRowFromClerk } from "./user-row.ts";
