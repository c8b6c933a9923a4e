import { isClerkOrganizationsNotEnabled } from "@repo/clerk/api-errors";
import { clerkOrganizationId } from "@repo/clerk/ids";
import { organizationSyncRowFromClerk, parseClerkOrganization } from "@repo/clerk/organizations";
import {
  findOrganizationById,
  type Organization as OrganizationRow,
  upsertOrganizationsFromClerk,
} from "@repo/db/organizations";
import { type ClerkDirectoryDeps, createClerkDirectory } from "../clerk/clerk-directory.ts";
import { AppError } from "../errors/app-error.ts";

/** Finds organizations in our table, and asks Clerk's Backend API for the ones the webhook has not brought yet. */
export type OrganizationDirectory = {
  /**
   * The live row of the session's active organization; fetched from Clerk and stored first if the
   * webhook has not arrived yet (the app-owned description is not among the columns that writes). A
   * tombstone is refused (403, `organization_deleted`), and so is an organization Clerk cannot be asked
   * about because the feature is off (403, `organizations_not_enabled`).
   */
  ensureOrganization(organizationId: string): Promise<OrganizationRow>;
};

export function createOrganizationDirectory(deps: ClerkDirectoryDeps): OrganizationDirectory {
  const ensureOrganization = createClerkDirectory(deps, {
    what: "organization",
    idShape: clerkOrganizationId,
    notInClerkCode: "organization_not_in_clerk",
    find: findOrganizationById,
    fetchFromClerk: (clerk, organizationId) => clerk.organizations.getOrganization({ organizationId }),
    parse: parseClerkOrganization,
    store: (db, organization) => upsertOrganizationsFromClerk(db, [organizationSyncRowFromClerk(organization)]),
    // A session does not normally carry an organization while the feature is off; one that does (the
    // feature turned off after it was issued) is the caller's to leave, not Clerk failing: no 502.
    refusal: (error) => (isClerkOrganizationsNotEnabled(error) ? organizationsNotEnabled() : undefined),
    deleted: organizationDeleted,
  });
  return { ensureOrganization };
}

function organizationsNotEnabled(): AppError {
  return new AppError(
    "organizations_not_enabled",
    "Organizations are turned off for this app, so this organization cannot be used. Switch to your personal account.",
  );
}

/** The active organization is a tombstone: what the caller is told, whichever procedure found out. */
export function organizationDeleted(): AppError {
  return new AppError(
    "organization_deleted",
    "This organization was deleted. Switch to another organization or to your personal account.",
  );
}
