export {
  clerkOrganizationCreated,
  clerkOrganizationDeleted,
  clerkOrganizationUpdated,
} from "./organization-events.ts";
export {
  createTombstoneClerkOrganizationFunction,
  createUpsertClerkOrganizationFunction,
  type OrganizationTombstoneResult,
  type OrganizationUpsertResult,
} from "./organization-functions.ts";
