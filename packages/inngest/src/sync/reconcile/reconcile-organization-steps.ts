import { isClerkNotFound, isClerkOrganizationsNotEnabled } from "@repo/clerk/api-errors";
import type { ClerkMembershipJson } from "@repo/clerk/memberships";
import { membershipSyncRowFromClerk } from "@repo/clerk/memberships";
import type { ClerkOrganizationJson } from "@repo/clerk/organizations";
import { organizationSyncRowFromClerk } from "@repo/clerk/organizations";
import type { Db } from "@repo/db/client";
import {
  findMembershipsNotListedSince,
  type MembershipRef,
  markMembershipsDeleted,
  markMembershipsListed,
  upsertMembershipsFromClerk,
} from "@repo/db/memberships";
import {
  findOrganizationsListedSince,
  findOrganizationsNotListedSince,
  markOrganizationsDeleted,
  markOrganizationsListed,
  upsertOrganizationsFromClerk,
} from "@repo/db/organizations";
import type { ReconciliationCounts, SkippedUser } from "@repo/db/users";
import {
  type ClerkListing,
  findClerkMembershipsOfUsers,
  findClerkOrganizationsById,
  listClerkMemberships,
  listClerkOrganizations,
} from "./clerk-organization-list.ts";
import { CLERK_ID_FILTER_LIMIT, CLERK_PAGE_SIZE } from "./clerk-requests.ts";
import { confirmAndTombstone, isRefusedValue, type ReconcileDeps, type TombstoneBatch } from "./reconcile-steps.ts";

/**
 * The units of work that reconcile organizations and memberships, beside the users' (reconcile-steps.ts)
 * and under the same rules: every write goes through the webhooks' upserts (a newer webhook wins, a
 * tombstone stays), every object Clerk returned is marked listed, and nothing is tombstoned on absence
 * alone. Each unit is safe to repeat, so a step retried after a 429 or a lost connection changes nothing twice.
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

type WriteCounts = Omit<ReconciliationCounts, "listed" | "tombstoned">;
type Written = { counts: WriteCounts; skipped: SkippedUser[] };

export type ListingPageResult = Omit<ReconciliationCounts, "tombstoned"> & {
  skipped: SkippedUser[];
  isLastPage: boolean;
};

/** Lists one page of Clerk's organizations and writes it in one batched statement. */
export async function reconcileOrganizationPage(
  deps: ReconcileDeps,
  offset: number,
  runStartedAt: Date,
): Promise<ListingPageResult & { totalInClerk: number }> {
  const page = await listClerkOrganizations(deps.clerk, offset);
  const written = await writeListedOrganizations(deps.db, page, runStartedAt);
  return {
    listed: page.returned,
    ...written.counts,
    skipped: [...page.skipped, ...written.skipped],
    isLastPage: page.returned < CLERK_PAGE_SIZE,
    totalInClerk: page.totalCount,
  };
}

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
): Promise<ListingPageResult & { next: MembershipCursor | null }> {
  let listed = 0;
  let counts: WriteCounts = { created: 0, updated: 0, unchanged: 0 };
  let skipped: SkippedUser[] = [];
  let at = cursor;
  for (let requests = 0; requests < MEMBERSHIP_REQUESTS_PER_UNIT; requests++) {
    const organizationId =
      at.organizationId ?? (await findOrganizationsListedSince(deps.db, runStartedAt, at.after, 1))[0];
    if (organizationId === undefined) return { listed, ...counts, skipped, isLastPage: true, next: null };
    let page: ClerkListing<ClerkMembershipJson> | undefined;
    try {
      page = await listClerkMemberships(deps.clerk, organizationId, at.offset);
    } catch (error) {
      // Deleted in Clerk since the organizations were listed: its memberships are left as they are (its
      // own webhook, or the next run, tombstones it with them), never tombstoned on this absence.
      if (!isClerkNotFound(error)) throw error;
    }
    if (page) {
      const written = await writeListedMemberships(deps.db, page, runStartedAt);
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

/**
 * After a listing that completed, tombstones live organizations Clerk no longer has, with their
 * memberships. As for users, offset paging can skip one, so each candidate is looked up by id first.
 */
export async function tombstoneUnlistedOrganizationsBatch(
  deps: ReconcileDeps,
  runStartedAt: Date,
): Promise<TombstoneBatch> {
  return confirmAndTombstone({
    candidates: await findOrganizationsNotListedSince(deps.db, runStartedAt, CLERK_ID_FILTER_LIMIT),
    findInClerk: (ids) => findClerkOrganizationsById(deps.clerk, ids),
    writeListed: (found) => writeListedOrganizations(deps.db, found, runStartedAt),
    markDeleted: (ids) => markOrganizationsDeleted(deps.db, ids),
  });
}

/** The last membership a tombstone batch looked at, so the next batch starts after it. */
export type MembershipCandidateCursor = Pick<MembershipRef, "organization_id" | "id">;

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
): Promise<{
  counts: Omit<ReconciliationCounts, "listed">;
  skipped: SkippedUser[];
  next: MembershipCandidateCursor | null;
}> {
  const candidates = await findMembershipsNotListedSince(deps.db, runStartedAt, CLERK_ID_FILTER_LIMIT, after);
  let counts = { created: 0, updated: 0, unchanged: 0, tombstoned: 0 };
  let skipped: SkippedUser[] = [];
  // Candidates come in organization order; Map.groupBy is not in Node 20.
  const byOrganization = new Map<string, MembershipRef[]>();
  for (const m of candidates)
    byOrganization.set(m.organization_id, [...(byOrganization.get(m.organization_id) ?? []), m]);
  for (const [organizationId, ofOrganization] of byOrganization) {
    let stillInClerk: ClerkListing<ClerkMembershipJson>;
    try {
      stillInClerk = await findClerkMembershipsOfUsers(
        deps.clerk,
        organizationId,
        ofOrganization.map((m) => m.user_id),
      );
    } catch (error) {
      if (isClerkNotFound(error)) continue;
      throw error;
    }
    const written = await writeListedMemberships(deps.db, stillInClerk, runStartedAt);
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

function addWriteCounts<T extends WriteCounts>(a: T, b: WriteCounts): T {
  return { ...a, created: a.created + b.created, updated: a.updated + b.updated, unchanged: a.unchanged + b.unchanged };
}

function writeListedOrganizations(
  db: Db,
  listing: Pick<ClerkListing<ClerkOrganizationJson>, "valid" | "ids">,
  at: Date,
) {
  return writeListed(db, listing, {
    upsert: (executor, organizations) =>
      upsertOrganizationsFromClerk(executor, organizations.map(organizationSyncRowFromClerk)),
    markListed: markOrganizationsListed,
    at,
  });
}

/**
 * Memberships are written alone: the organization each embeds was written from the organizations'
 * listing (and an older copy would lose to it anyway).
 */
function writeListedMemberships(db: Db, listing: Pick<ClerkListing<ClerkMembershipJson>, "valid" | "ids">, at: Date) {
  return writeListed(db, listing, {
    upsert: (executor, memberships) =>
      upsertMembershipsFromClerk(executor, memberships.map(membershipSyncRowFromClerk)),
    markListed: markMembershipsListed,
    at,
  });
}

/**
 * Writes what Clerk returned and marks every id listed, skipped ones too (see writeListedUsers). A value
 * Postgres refuses fails the whole statement, so then each object is written alone and the refused
 * one is skipped and named.
 */
async function writeListed<T extends { id: string }>(
  db: Db,
  listing: Pick<ClerkListing<T>, "valid" | "ids">,
  how: {
    upsert: (db: Db, items: T[]) => Promise<{ outcome: "created" | "updated" }[]>;
    markListed: (db: Db, ids: readonly string[], at: Date) => Promise<void>;
    at: Date;
  },
): Promise<Written> {
  let outcomes: { outcome: "created" | "updated" }[];
  const skipped: SkippedUser[] = [];
  try {
    outcomes = await db.transaction().execute(async (trx) => {
      const written = await how.upsert(trx, listing.valid);
      await how.markListed(trx, listing.ids, how.at);
      return written;
    });
  } catch (error) {
    if (!isRefusedValue(error)) throw error;
    outcomes = [];
    for (const item of listing.valid) {
      try {
        outcomes.push(...(await how.upsert(db, [item])));
      } catch (itemError) {
        if (!isRefusedValue(itemError)) throw itemError;
        skipped.push({ id: item.id, reason: `the database refused it: ${itemError.message}` });
      }
    }
    await how.markListed(db, listing.ids, how.at);
  }
  const created = outcomes.filter((o) => o.outcome === "created").length;
  const stored = listing.valid.length - skipped.length;
  return { counts: { created, updated: outcomes.length - created, unchanged: stored - outcomes.length }, skipped };
}
