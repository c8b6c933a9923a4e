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
