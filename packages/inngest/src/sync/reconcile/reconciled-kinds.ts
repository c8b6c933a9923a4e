import { clerkMembershipId, clerkOrganizationId, clerkUserId } from "@repo/clerk/ids";
import { type ClerkMembershipJson, membershipSyncRowFromClerk, parseClerkMembership } from "@repo/clerk/memberships";
import {
  type ClerkOrganizationJson,
  organizationSyncRowFromClerk,
  parseClerkOrganization,
} from "@repo/clerk/organizations";
import { type ClerkUserJson, parseClerkUser, userSyncRowFromClerk } from "@repo/clerk/users";
import { upsertMembershipsFromClerk } from "@repo/db/memberships";
import { markOrganizationsDeleted, upsertOrganizationsFromClerk } from "@repo/db/organizations";
import type { Executor, IdOrderedTable, ListedTable, UpsertOutcome } from "@repo/db/sync";
import { markUsersDeleted, upsertUsersFromClerk } from "@repo/db/users";
import type { ClerkObjectReader, ClerkPage } from "./clerk-listing.ts";
import {
  CLERK_ID_FILTER_LIMIT,
  CLERK_PAGE_SIZE,
  type ClerkApi,
  requestClerk,
  USER_LIST_COST,
} from "./clerk-requests.ts";

/**
 * What the reconciliation needs to know of each kind of Clerk object, so one listing, writing and
 * confirm-then-tombstone step serves users, organizations and memberships alike.
 */
export type ReconciledKind<T extends { id: string }> = ClerkObjectReader<T> & {
  table: ListedTable;
  /** Writes Clerk's objects through the webhooks' guarded upsert (a newer version wins, a tombstone stays). */
  upsert: (db: Executor, items: readonly T[]) => Promise<UpsertOutcome[]>;
};

/**
 * A kind Clerk lists on its own and that is confirmed by id before a tombstone: users and organizations.
 * (Memberships are listed per organization and confirmed by user, see reconcile-membership-steps.ts.)
 */
export type TopLevelKind<T extends { id: string }> = ReconciledKind<T> & {
  table: IdOrderedTable;
  /** One page of Clerk's list, oldest first. */
  listPage: (api: ClerkApi, offset: number) => Promise<ClerkPage>;
  /** Those of `ids` (up to CLERK_ID_FILTER_LIMIT) that exist in Clerk. */
  findById: (api: ClerkApi, ids: readonly string[]) => Promise<ClerkPage>;
  /** Tombstones these rows; returns the ids that were not tombstoned already. */
  markDeleted: (db: Executor, ids: readonly string[]) => Promise<string[]>;
  /**
   * The Inngest step names of its listing pages and tombstone batches. Persisted in running Inngest runs
   * (a run resumes by them across a deploy), so never renamed.
   */
  steps: { listPage: string; tombstoneBatch: string };
};

/**
 * One page of a Clerk list. Lists are read by ascending creation time: that keeps the order stable while
 * a listing runs, as objects created meanwhile join at the end instead of shifting every later page.
 */
function oldestFirst(offset: number) {
  return { limit: CLERK_PAGE_SIZE, offset, orderBy: "+created_at" } as const;
}

export const USERS: TopLevelKind<ClerkUserJson> = {
  noun: "user",
  table: "users",
  parse: parseClerkUser,
  idShape: clerkUserId,
  upsert: (db, users) => upsertUsersFromClerk(db, users.map(userSyncRowFromClerk)),
  listPage: (api, offset) => requestClerk(api, (clerk) => clerk.users.getUserList(oldestFirst(offset)), USER_LIST_COST),
  findById: (api, ids) =>
    requestClerk(
      api,
      (clerk) => clerk.users.getUserList({ userId: [...ids], limit: CLERK_ID_FILTER_LIMIT }),
      USER_LIST_COST,
    ),
  markDeleted: markUsersDeleted,
  steps: { listPage: "reconcile-page", tombstoneBatch: "tombstone-unlisted" },
};

export const ORGANIZATIONS: TopLevelKind<ClerkOrganizationJson> = {
  noun: "organization",
  table: "organizations",
  parse: parseClerkOrganization,
  idShape: clerkOrganizationId,
  upsert: (db, organizations) => upsertOrganizationsFromClerk(db, organizations.map(organizationSyncRowFromClerk)),
  listPage: (api, offset) => requestClerk(api, (clerk) => clerk.organizations.getOrganizationList(oldestFirst(offset))),
  findById: (api, ids) =>
    requestClerk(api, (clerk) =>
      clerk.organizations.getOrganizationList({ organizationId: [...ids], limit: CLERK_ID_FILTER_LIMIT }),
    ),
  markDeleted: markOrganizationsDeleted,
  steps: { listPage: "reconcile-organizations-page", tombstoneBatch: "tombstone-unlisted-organizations" },
};

/**
 * Memberships are written alone: the organization each embeds was written from the organizations'
 * listing (and an older copy would lose to it anyway).
 */
export const MEMBERSHIPS: ReconciledKind<ClerkMembershipJson> = {
  noun: "membership",
  table: "organization_memberships",
  parse: parseClerkMembership,
  idShape: clerkMembershipId,
  upsert: (db, memberships) => upsertMembershipsFromClerk(db, memberships.map(membershipSyncRowFromClerk)),
};

/** One page of an organization's memberships, oldest first (a 404 means the organization is gone). */
export function listClerkMemberships(api: ClerkApi, organizationId: string, offset: number) {
  return requestClerk(api, (clerk) =>
    clerk.organizations.getOrganizationMembershipList({ organizationId, ...oldestFirst(offset) }),
  );
}

/** The organization's memberships of these users (up to CLERK_ID_FILTER_LIMIT users a call). */
export function findClerkMembershipsOfUsers(api: ClerkApi, organizationId: string, userIds: readonly string[]) {
  return requestClerk(api, (clerk) =>
    clerk.organizations.getOrganizationMembershipList({
      organizationId,
      userId: [...userIds],
      limit: CLERK_ID_FILTER_LIMIT,
    }),
  );
}
