export {
  type ClerkOrganizationJson,
  clerkDeletedOrganizationSchema,
  clerkOrganizationJsonSchema,
  parseClerkOrganization,
  parseDeletedClerkOrganization,
} from "./clerk-organization.ts";
export { organizationSyncRowFromClerk } from "./organization-row.ts";
