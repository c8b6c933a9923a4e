export {
  clerkMembershipCreated,
  clerkMembershipDeleted,
  clerkMembershipUpdated,
} from "./membership-events.ts";
export {
  createTombstoneClerkMembershipFunction,
  createUpsertClerkMembershipFunction,
  type MembershipTombstoneResult,
  type MembershipUpsertResult,
} from "./membership-functions.ts";
