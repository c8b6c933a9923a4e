import { wasNotListedSince } from "../sync/listing.ts";
import type { Executor } from "../sync/types.ts";
import type { MembershipRef } from "./repository.ts";

/**
 * Live memberships a complete listing that started at `runStartedAt` did not see, in (organization, id)
 * order after `after` (a reconciliation confirms them an organization at a time): as for users, only
 * those Clerk created before the run began count.
 */
export async function findMembershipsNotListedSince(
  db: Executor,
  runStartedAt: Date,
  limit: number,
  after: Pick<MembershipRef, "organization_id" | "id"> | null = null,
): Promise<MembershipRef[]> {
  return db
    .selectFrom("organization_memberships")
    .select(["id", "organization_id", "user_id"])
    .where("deleted_at", "is", null)
    .where((eb) => wasNotListedSince(eb, runStartedAt))
    .$if(after !== null, (qb) =>
      qb.where((eb) =>
        eb(eb.refTuple("organization_id", "id"), ">", eb.tuple(after?.organization_id ?? "", after?.id ?? "")),
      ),
    )
    .orderBy("organization_id")
    .orderBy("id")
    .limit(limit)
    .execute();
}
