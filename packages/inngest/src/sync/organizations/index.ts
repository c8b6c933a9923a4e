export {
  type ClerkDeletedOrganization,
  type ClerkOrganizationJson,
  clerkDeletedOrganizationSchema,
  clerkOrganizationJsonSchema,
  parseClerkOrganization,
} from "./clerk-organization.ts";
export {
  type ClerkOrganizationWebhookType,
  clerkOrganizationCreated,
  clerkOrganizationDeleted,
  clerkOrganizationEventTypes,
  clerkOrganizationUpdated,
  parseClerkOrganizationEventData,
} from "./organization-events.ts";
export {
  createTombstoneClerkOrganizationFunction,
  createUpsertClerkOrganizationFunction,
  type OrganizationTombstoneResult,
  type OrganizationUpsertResult,
} from "./organization-functions.ts";
export { organizationSyncRowFromClerk } from "./organization-row.ts";
