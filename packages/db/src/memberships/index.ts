export type { OrganizationMembership } from "../schema.ts";
export { findMembershipsNotListedSince } from "./reconciliation.ts";
export {
  findLiveMembers,
  findMembershipById,
  type LiveMember,
  type MembershipRef,
  type MembershipSyncRow,
  type MembershipUpsertOutcome,
  markMembershipDeleted,
  markMembershipsDeleted,
  upsertMembershipsFromClerk,
} from "./repository.ts";
