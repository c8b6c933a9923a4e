export {
  clerkUserCreated,
  clerkUserDeleted,
  clerkUserUpdated,
} from "./user-events.ts";
export {
  createTombstoneClerkUserFunction,
  createUpsertClerkUserFunction,
  type TombstoneResult,
  type UpsertResult,
} from "./user-functions.ts";
