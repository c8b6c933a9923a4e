export type { Organization } from "../schema.ts";
export type { UpsertOutcome } from "../users/repository.ts";
export {
  checkOrganizationTombstoneCandidates,
  findOrganizationsListedSince,
  findOrganizationsNotListedSince,
  markOrganizationsListed,
  type OrganizationTombstoneCheck,
} from "./reconciliation.ts";
export {
  findOrganizationById,
  markOrganizationDeleted,
  markOrganizationsDeleted,
  type OrganizationProfileUpdate,
  type OrganizationSyncRow,
  updateOrganizationProfile,
  upsertOrganizationsFromClerk,
} from "./repository.ts";
