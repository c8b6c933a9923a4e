import type { ClerkClient } from "@clerk/backend";
import { clerkMembershipId, clerkOrganizationId } from "@repo/clerk/ids";
import { parseClerkMembership } from "@repo/clerk/memberships";
import { parseClerkOrganization } from "@repo/clerk/organizations";
import type { ParseResult } from "@repo/clerk/parse-result";
import type { SkippedUser } from "@repo/db/users";
import type { z } from "zod";
import { CLERK_ID_FILTER_LIMIT, CLERK_PAGE_SIZE, requestClerk } from "./clerk-requests.ts";

/** Organizations or memberships as Clerk returned them: the ones we can store, and the ones we cannot. */
export type ClerkListing<T> = {
  /** Valid objects, to be written. */
  valid: T[];
  /** Objects that are not valid: left as they are and named in the run's record (as for users). */
  skipped: SkippedUser[];
  /** The id of every object Clerk returned, skipped ones included (they exist, so none may be tombstoned). */
  ids: string[];
  /** How many Clerk returned: a page shorter than asked for is the last one. */
  returned: number;
  totalCount: number;
};

/**
 * One page of Clerk's organizations, oldest first: ascending creation time keeps the order stable while
 * the listing runs (organizations created meanwhile join at the end).
 */
export async function listClerkOrganizations(clerk: ClerkClient, offset: number, limit = CLERK_PAGE_SIZE) {
  const page = await requestClerk(() =>
    clerk.organizations.getOrganizationList({ limit, offset, orderBy: "+created_at" }),
  );
  return parseListing(page, parseClerkOrganization, clerkOrganizationId, "organization");
}

/** The organizations among `ids` that exist in Clerk (up to CLERK_ID_FILTER_LIMIT ids a call). */
export async function findClerkOrganizationsById(clerk: ClerkClient, ids: readonly string[]) {
  const page = await requestClerk(() =>
    clerk.organizations.getOrganizationList({ organizationId: [...ids], limit: CLERK_ID_FILTER_LIMIT }),
  );
  return parseListing(page, parseClerkOrganization, clerkOrganizationId, "organization");
}

/** One page of an organization's memberships, oldest first (a 404 means the organization is gone). */
export async function listClerkMemberships(
  clerk: ClerkClient,
  organizationId: string,
  offset: number,
  limit = CLERK_PAGE_SIZE,
) {
  const page = await requestClerk(() =>
    clerk.organizations.getOrganizationMembershipList({ organizationId, limit, offset, orderBy: "+created_at" }),
  );
  return parseListing(page, parseClerkMembership, clerkMembershipId, "membership");
}

/** The organization's memberships of these users (up to CLERK_ID_FILTER_LIMIT users a call). */
export async function findClerkMembershipsOfUsers(
  clerk: ClerkClient,
  organizationId: string,
  userIds: readonly string[],
) {
  const page = await requestClerk(() =>
    clerk.organizations.getOrganizationMembershipList({
      organizationId,
      userId: [...userIds],
      limit: CLERK_ID_FILTER_LIMIT,
    }),
  );
  return parseListing(page, parseClerkMembership, clerkMembershipId, "membership");
}

function parseListing<T>(
  page: { data: readonly { id: string; raw: unknown }[]; totalCount: number },
  parse: (value: unknown) => ParseResult<T>,
  idShape: z.ZodType<string>,
  noun: string,
): ClerkListing<T> {
  const listing: ClerkListing<T> = {
    valid: [],
    skipped: [],
    ids: [],
    returned: page.data.length,
    totalCount: page.totalCount,
  };
  for (const item of page.data) {
    const parsed = parse(item.raw);
    if (parsed.success) listing.valid.push(parsed.data);
    else listing.skipped.push({ id: item.id, reason: `invalid ${noun}: ${parsed.reason}` });
    // An id not in Clerk's shape cannot be in our tables either, and would fail any query naming it.
    if (parsed.success || idShape.safeParse(item.id).success) listing.ids.push(item.id);
  }
  return listing;
}
