export {
  type ClerkMembershipWebhookType,
  clerkMembershipCreated,
  clerkMembershipDeleted,
  clerkMembershipEventTypes,
  clerkMembershipUpdated,
  parseClerkMembershipEventData,
} from "./membership-events.ts";
export {
  createTombstoneClerkMembershipFunction,
  createUpsertClerkMembershipFunction,
  type MembershipTombstoneResult,
  type MembershipUpsertResult,
} from "./membership-functions.ts";
