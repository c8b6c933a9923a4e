import { isClerkNotFound, isClerkOrganizationsNotEnabled } from "@repo/clerk/api-errors";
import type { ClerkMembershipJson } from "@repo/clerk/memberships";
import { findMembershipsNotListedSince, type MembershipRef, markMembershipsDeleted } from "@repo/db/memberships";
import { findOrganizationsListedSince } from "@repo/db/organizations";
import type { SkippedObject } from "@repo/db/reconciliation-runs";
import { type ClerkListing, parseListing } from "./clerk-listing.ts";
import { CLERK_ID_FILTER_LIMIT, CLERK_PAGE_SIZE } from "./clerk-requests.ts";
import {
  addWriteCounts,
  type PageResult,
  type ReconcileDeps,
  type TombstoneBatch,
  type WriteCounts,
  writeListed,
} from "./reconcile-steps.ts";
import { findClerkMembershipsOfUsers, listClerkMemberships, MEMBERSHIPS } from "./reconciled-kinds.ts";

/**
 * The units of work that reconcile memberships, beside the generic ones users and organizations share
 * (reconcile-steps.ts), and under the same rules: every write goes through the webhooks' upserts, every
 * membership Clerk returned is marked listed, and nothing is tombstoned on absence alone. Clerk lists
 * memberships per organization, so they are listed organization by organization and confirmed by user.
 */

/**
 * What a unit of organization work answers when Clerk says the instance has organizations turned off
 * (as a new instance does): plain JSON, so an Inngest step returns it instead of failing and being
 * retried for a setting that retries cannot change.
 */
export type OrganizationsOff = { organizationsOff: true };

export async function unlessOrganizationsOff<T extends object>(work: () => Promise<T>): Promise<T | OrganizationsOff> {
  try {
    return await work();
  } catch (error) {
    if (isClerkOrganizationsNotEnabled(error)) return { organizationsOff: true };
    throw error;
  }
}

export const isOrganizationsOff = (result: object | null): result is OrganizationsOff =>
  result !== null && "organizationsOff" in result;

/**
 * Where the listing of memberships stands: organizations are taken in id order among those the run
 * listed, `after` is the last one finished, `organizationId` the one part-way through (its next page at
 * `offset`), or null to take the next. Plain JSON, so an Inngest step can return it.
 */
export type MembershipCursor = { after: string; organizationId: string | null; offset: number };

export const FIRST_MEMBERSHIP_CURSOR: MembershipCursor = { after: "", organizationId: null, offset: 0 };

/**
 * At most this many Backend API calls per unit: enough that an instance of many small organizations
 * needs few Inngest steps, few enough that a 429 late in a unit repeats little (Clerk allows 100
 * requests per 10 s to a development instance).
 */
export const MEMBERSHIP_REQUESTS_PER_UNIT = 20;

/**
 * Lists the memberships of the organizations the run listed, one page per request, from `cursor`, for at
 * most MEMBERSHIP_REQUESTS_PER_UNIT requests. Returns the cursor to go on from, or null when every
 * listed organization's memberships are done.
 */
export async function reconcileMembershipPages(
  deps: ReconcileDeps,
  cursor: MembershipCursor,
  runStartedAt: Date,
): Promise<Omit<PageResult, "totalInClerk"> & { next: MembershipCursor | null }> {
  let listed = 0;
  let counts: WriteCounts = { created: 0, updated: 0, unchanged: 0 };
  let skipped: SkippedObject[] = [];
  let at = cursor;
  for (let requests = 0; requests < MEMBERSHIP_REQUESTS_PER_UNIT; requests++) {
    const organizationId =
      at.organizationId ?? (await findOrganizationsListedSince(deps.db, runStartedAt, at.after, 1))[0];
    if (organizationId === undefined) return { listed, ...counts, skipped, isLastPage: true, next: null };
    let page: ClerkListing<ClerkMembershipJson> | undefined;
    try {
      page = parseListing(await listClerkMemberships(deps, organizationId, at.offset), MEMBERSHIPS);
    } catch (error) {
      // Deleted in Clerk since the organizations were listed: its memberships are left as they are (its
      // own webhook, or the next run, tombstones it with them), never tombstoned on this absence.
      if (!isClerkNotFound(error)) throw error;
    }
    if (page) {
      const written = await writeListed(deps.db, MEMBERSHIPS, page, runStartedAt);
      listed += page.returned;
      counts = addWriteCounts(counts, written.counts);
      skipped = [...skipped, ...page.skipped, ...written.skipped];
    }
    const isLastPage = !page || page.returned < CLERK_PAGE_SIZE;
    at = isLastPage
      ? { after: organizationId, organizationId: null, offset: 0 }
      : { after: at.after, organizationId, offset: at.offset + CLERK_PAGE_SIZE };
  }
  return { listed, ...counts, skipped, isLastPage: false, next: at };
}

/** The last membership a tombstone batch looked at, so the next batch starts after it. */
export type MembershipCandidateCursor = Pick<MembershipRef, "organization_id" | "id">;

/** What a membership tombstone batch did, and where the next starts (null: there is none). */
export type MembershipTombstoneBatch = Omit<TombstoneBatch, "hasMore"> & { next: MembershipCandidateCursor | null };

/**
 * After a listing that completed, tombstones live memberships Clerk no longer has. Each candidate is
 * confirmed first: its organization's memberships of the candidates' users are listed again, and only
 * a candidate Clerk does not return is tombstoned (the returned ones are written and marked listed). An
 * organization Clerk answers 404 for is left alone, as in the listing. Goes on from `after`, so a
 * candidate left alone is not looked at again in this run.
 */
export async function tombstoneUnlistedMembershipsBatch(
  deps: ReconcileDeps,
  runStartedAt: Date,
  after: MembershipCandidateCursor | null,
): Promise<MembershipTombstoneBatch> {
  const candidates = await findMembershipsNotListedSince(deps.db, runStartedAt, CLERK_ID_FILTER_LIMIT, after);
  let counts = { created: 0, updated: 0, unchanged: 0, tombstoned: 0 };
  let skipped: SkippedObject[] = [];
  // Candidates come in organization order; Map.groupBy is not in Node 20.
  const byOrganization = new Map<string, MembershipRef[]>();
  for (const m of candidates)
    byOrganization.set(m.organization_id, [...(byOrganization.get(m.organization_id) ?? []), m]);
  for (const [organizationId, ofOrganization] of byOrganization) {
    let stillInClerk: ClerkListing<ClerkMembershipJson>;
    try {
      stillInClerk = parseListing(
        await findClerkMembershipsOfUsers(
          deps,
          organizationId,
          ofOrganization.map((m) => m.user_id),
        ),
        MEMBERSHIPS,
      );
    } catch (error) {
      if (isClerkNotFound(error)) continue;
      throw error;
    }
    const written = await writeListed(deps.db, MEMBERSHIPS, stillInClerk, runStartedAt);
    const present = new Set(stillInClerk.ids);
    const tombstoned = await markMembershipsDeleted(
      deps.db,
      ofOrganization.filter((m) => !present.has(m.id)),
    );
    counts = { ...addWriteCounts(counts, written.counts), tombstoned: counts.tombstoned + tombstoned.length };
    skipped = [...skipped, ...stillInClerk.skipped, ...written.skipped];
  }
  const last = candidates.at(-1);
  const next =
    candidates.length === CLERK_ID_FILTER_LIMIT && last ? { organization_id: last.organization_id, id: last.id } : null;
  return { counts, skipped, next };
}
