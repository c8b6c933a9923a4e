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
