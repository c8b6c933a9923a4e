export {
  type ClerkDeletedOrganization,
  type ClerkOrganizationJson,
  clerkDeletedOrganizationSchema,
  clerkOrganizationJsonSchema,
} from "./clerk-organization.ts";
export { organizationSyncRowFromClerk } from "./organization-row.ts";
