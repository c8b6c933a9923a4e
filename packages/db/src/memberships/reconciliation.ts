import type { Kysely } from "kysely";
import type { Database } from "../schema.ts";
import { wasNotListedSince } from "../sync-listing.ts";
import type { MembershipRef } from "./repository.ts";

type Executor = Kysely<Database>;

/** Notes that these memberships were in Clerk's lists during the run that started at `listedAt`. */
export async function markMembershipsListed(db: Executor, ids: readonly string[], listedAt: Date): Promise<void> {
  if (ids.length === 0) return;
  await db.updateTable("organization_memberships").set({ last_listed_at: listedAt }).where("id", "in", ids).execute();
}

/**
 * Live memberships a complete listing that started at `runStartedAt` did not see, in (organization, id)
 * order after `after`: as for users, only those Clerk created before the run began count.
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
