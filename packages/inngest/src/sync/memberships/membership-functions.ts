import {
  type ClerkMembershipJson,
  membershipRefFromClerk,
  membershipSyncRowFromClerk,
  parseClerkMembership,
} from "@repo/clerk/memberships";
import { organizationSyncRowFromClerk } from "@repo/clerk/organizations";
import type { Db } from "@repo/db/client";
import { markMembershipsDeleted, upsertMembershipsFromClerk } from "@repo/db/memberships";
import { upsertOrganizationsFromClerk } from "@repo/db/organizations";
import { clerkObjectSyncFunctions, type SyncEventKind } from "../batched-sync.ts";
import { tombstonedOutcomes } from "../sync-event-kinds.ts";
import { clerkMembershipEvents } from "./membership-events.ts";

/**
 * Every membership event embeds its organization, which may be newer than any organization event we
 * have had, or the first we hear of it: it is upserted under the organization's own rules (an older or
 * equal version changes nothing, a tombstone stays).
 */
async function upsertEmbeddedOrganizations(db: Db, memberships: readonly ClerkMembershipJson[]): Promise<void> {
  await upsertOrganizationsFromClerk(
    db,
    memberships.map((membership) => organizationSyncRowFromClerk(membership.organization)),
  );
}

/** What both membership kinds share: the parser, the id and the version. */
const memberships = {
  parse: parseClerkMembership,
  idOf: (membership: ClerkMembershipJson) => membership.id,
  versionOf: (membership: ClerkMembershipJson) => membership.updated_at,
};

/**
 * `organizationMembership.created` and `.updated` both upsert, so an update arriving first still works.
 * `ended`: written as a tombstone (its organization or user is deleted, or a newer membership of the
 * pair is live).
 */
const upsertedMemberships: SyncEventKind<ClerkMembershipJson> = {
  ...memberships,
  write: async (db, batch) => {
    await upsertEmbeddedOrganizations(db, batch);
    const written = await upsertMembershipsFromClerk(db, batch.map(membershipSyncRowFromClerk));
    return new Map(written.map(({ id, outcome, live }) => [id, live ? outcome : "ended"]));
  },
};

/** `organizationMembership.deleted`: the membership ends, whatever its version; nothing else does. */
const deletedMemberships: SyncEventKind<ClerkMembershipJson> = {
  ...memberships,
  write: async (db, batch) => {
    await upsertEmbeddedOrganizations(db, batch);
    return tombstonedOutcomes(await markMembershipsDeleted(db, batch.map(membershipRefFromClerk)));
  },
};

/** `clerk/organizationMembership.created` and `.updated` upsert, `.deleted` tombstones, in batches. */
export const { upsert: createUpsertClerkMembershipFunction, tombstone: createTombstoneClerkMembershipFunction } =
  clerkObjectSyncFunctions("membership", clerkMembershipEvents, {
    upsert: { id: "upsert-clerk-membership", name: "Upsert Clerk organization memberships", kind: upsertedMemberships },
    tombstone: {
      id: "tombstone-clerk-membership",
      name: "Tombstone organization memberships deleted in Clerk",
      kind: deletedMemberships,
    },
  });
