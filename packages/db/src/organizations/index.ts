export type { Organization } from "../schema.ts";
export { findOrganizationsListedSince } from "./reconciliation.ts";
export {
  findOrganizationById,
  markOrganizationDeleted,
  markOrganizationsDeleted,
  type OrganizationProfileUpdate,
  type OrganizationSyncRow,
  updateOrganizationProfile,
  upsertOrganizationsFromClerk,
} from "./repository.ts";
