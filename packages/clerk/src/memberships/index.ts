export { type ClerkMembershipJson, clerkMembershipJsonSchema } from "./clerk-membership.ts";
export { membershipRefFromClerk, membershipSyncRowFromClerk } from "./membership-row.ts";
