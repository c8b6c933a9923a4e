export { type ClerkMembershipJson, clerkMembershipJsonSchema, parseClerkMembership } from "./clerk-membership.ts";
export { membershipRefFromClerk, membershipSyncRowFromClerk } from "./membership-row.ts";
