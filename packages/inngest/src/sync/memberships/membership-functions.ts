import type { ClerkMembershipJson } from "@repo/clerk/memberships";
import { membershipRefFromClerk, membershipSyncRowFromClerk } from "@repo/clerk/memberships";
import { organizationSyncRowFromClerk } from "@repo/clerk/organizations";
import type { Db } from "@repo/db/client";
import { markMembershipDeleted, upsertMembershipsFromClerk } from "@repo/db/memberships";
import { upsertOrganizationsFromClerk } from "@repo/db/organizations";
import type { InngestClient } from "../../client.ts";
import { recordSyncOutcome } from "../sync-metrics.ts";
import { clerkMembershipCreated, clerkMembershipDeleted, clerkMembershipUpdated } from "./membership-events.ts";

/**
 * One run at a time per Clerk membership, across both functions (scope "env"). Correctness does not
 * rest on it: the ordering rules are in the SQL, under locks (see upsertMembershipsFromClerk).
 */
const oneRunPerMembership = { scope: "env", key: `"clerk-membership:" + event.data.id`, limit: 1 } as const;

export type MembershipUpsertResult = {
  membershipId: string;
  organizationId: string;
  userId: string;
  /** `ended`: written as a tombstone (its organization or user is deleted, or a newer membership of the pair is live). */
  outcome: "created" | "updated" | "ended" | "unchanged";
};
export type MembershipTombstoneResult = {
  membershipId: string;
  organizationId: string;
  userId: string;
  outcome: "tombstoned" | "unchanged";
};

/**
 * Every membership event embeds its organization, which may be newer than any organization event we
 * have had, or the first we hear of it: it is upserted under the organization's own rules (an older or
 * equal version changes nothing, a tombstone stays).
 */
async function upsertEmbeddedOrganization(db: Db, membership: ClerkMembershipJson): Promise<void> {
  await upsertOrganizationsFromClerk(db, [organizationSyncRowFromClerk(membership.organization)]);
}

/** `clerk/organizationMembership.created` and `.updated`: both upsert, so an update arriving first still works. */
export function createUpsertClerkMembershipFunction(inngest: InngestClient, deps: { db: Db }) {
  return inngest.createFunction(
    {
      id: "upsert-clerk-membership",
      name: "Upsert a Clerk organization membership",
      triggers: [clerkMembershipCreated, clerkMembershipUpdated],
      concurrency: oneRunPerMembership,
    },
    async ({ event, step }): Promise<MembershipUpsertResult> => {
      const ref = membershipRefFromClerk(event.data);
      const outcome = await step.run("upsert-membership", async () => {
        await upsertEmbeddedOrganization(deps.db, event.data);
        const [written] = await upsertMembershipsFromClerk(deps.db, [membershipSyncRowFromClerk(event.data)]);
        if (!written) return "unchanged";
        return written.live ? written.outcome : "ended";
      });
      recordSyncOutcome("membership", outcome);
      return { membershipId: ref.id, organizationId: ref.organization_id, userId: ref.user_id, outcome };
    },
  );
}

/** `clerk/organizationMembership.deleted`: the membership ends, whatever its version; nothing else does. */
export function createTombstoneClerkMembershipFunction(inngest: InngestClient, deps: { db: Db }) {
  return inngest.createFunction(
    {
      id: "tombstone-clerk-membership",
      name: "Tombstone an organization membership deleted in Clerk",
      triggers: [clerkMembershipDeleted],
      concurrency: oneRunPerMembership,
    },
    async ({ event, step }): Promise<MembershipTombstoneResult> => {
      const ref = membershipRefFromClerk(event.data);
      const tombstoned = await step.run("tombstone-membership", async () => {
        await upsertEmbeddedOrganization(deps.db, event.data);
        return markMembershipDeleted(deps.db, ref);
      });
      recordSyncOutcome("membership", tombstoned ? "tombstoned" : "unchanged");
      return {
        membershipId: ref.id,
        organizationId: ref.organization_id,
        userId: ref.user_id,
        outcome: tombstoned ? "tombstoned" : "unchanged",
      };
    },
  );
}
