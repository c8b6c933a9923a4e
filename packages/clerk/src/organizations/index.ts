export {
  type ClerkOrganizationJson,
  clerkDeletedOrganizationSchema,
  clerkOrganizationJsonSchema,
  parseClerkOrganization,
} from "./clerk-organization.ts";
export { organizationSyncRowFromClerk } from "./organization-row.ts";
