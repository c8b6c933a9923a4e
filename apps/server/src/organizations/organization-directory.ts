import type { ClerkClient } from "@clerk/backend";
import { isClerkOrganizationsNotEnabled } from "@repo/clerk/api-errors";
import { clerkOrganizationId } from "@repo/clerk/ids";
import { organizationSyncRowFromClerk, parseClerkOrganization } from "@repo/clerk/organizations";
import type { Db } from "@repo/db/client";
import {
  findOrganizationById,
  type Organization as OrganizationRow,
  upsertOrganizationsFromClerk,
} from "@repo/db/organizations";
import {
  askClerkWithin,
  CLERK_LOOKUP_TIMEOUT_MS,
  clerkNotConfigured,
  createJustInTimeLookup,
  requireClerkId,
  requireValidClerkAnswer,
} from "../clerk/just-in-time-lookup.ts";
import { AppError } from "../errors/app-error.ts";

/** Finds organizations in our table, and asks Clerk's Backend API for the ones the webhook has not brought yet. */
export type OrganizationDirectory = {
  /**
   * The live row of the session's active organization; fetched from Clerk and stored first if the
   * webhook has not arrived yet. A tombstone is refused (403, `organization_deleted`), and so is an
   * organization Clerk cannot be asked about because the feature is off (403, `organizations_not_enabled`).
   */
  ensureOrganization(organizationId: string): Promise<OrganizationRow>;
};

export type OrganizationDirectoryDeps = {
  db: Db;
  clerk: ClerkClient | undefined;
  /** The bound on one lookup in Clerk; CLERK_LOOKUP_TIMEOUT_MS by default. */
  clerkLookupTimeoutMs?: number | undefined;
};

export function createOrganizationDirectory(deps: OrganizationDirectoryDeps): OrganizationDirectory {
  const lookUpInClerk = createJustInTimeLookup({
    fetchAndStore: (organizationId) => fetchAndStoreFromClerk(deps, organizationId),
    notInClerkCode: "organization_not_in_clerk",
  });
  return {
    async ensureOrganization(organizationId) {
      requireClerkId(clerkOrganizationId, organizationId);
      const stored = await findOrganizationById(deps.db, organizationId);
      const organization = stored ?? (await lookUpInClerk(organizationId));
      if (organization.deleted_at) throw organizationDeleted();
      return organization;
    },
  };
}

/**
 * Right after someone creates an organization, Clerk makes it active and the browser asks for it before
 * Clerk's webhook has reached us. The session is verified and names the organization, so we ask Clerk for
 * it and store it through the webhook's upsert: its version guard keeps a later, older webhook from
 * rolling it back, and the app-owned description is not among the columns it writes.
 */
async function fetchAndStoreFromClerk(deps: OrganizationDirectoryDeps, organizationId: string) {
  const clerk = deps.clerk;
  if (!clerk) throw clerkNotConfigured("organization");
  const organization = await askClerkWithin(() => clerk.organizations.getOrganization({ organizationId }), {
    timeoutMs: deps.clerkLookupTimeoutMs ?? CLERK_LOOKUP_TIMEOUT_MS,
    lookingUp: organizationId,
    notFound: () => new AppError("organization_not_in_clerk", `Clerk has no organization ${organizationId}`),
    // A session does not normally carry an organization while the feature is off; one that does (the
    // feature turned off after it was issued) is the caller's to leave, not Clerk failing: no 502.
    refusal: (error) => (isClerkOrganizationsNotEnabled(error) ? organizationsNotEnabled() : undefined),
  });
  const clerkOrganization = requireValidClerkAnswer(parseClerkOrganization(organization.raw), "organization");
  await upsertOrganizationsFromClerk(deps.db, [organizationSyncRowFromClerk(clerkOrganization)]);
  const stored = await findOrganizationById(deps.db, organizationId);
  if (!stored) throw new Error(`Organization ${organizationId} vanished right after it was stored`);
  return stored;
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
