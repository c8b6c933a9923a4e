import { findLiveIds } from "../sync/listing.ts";
import type { Executor } from "../sync/types.ts";

/**
 * Live organizations the listing of the run that started at `runStartedAt` saw, in id order after
 * `afterId`: those whose memberships the run lists next.
 */
export async function findOrganizationsListedSince(
  db: Executor,
  runStartedAt: Date,
  afterId: string,
  limit: number,
): Promise<string[]> {
  return findLiveIds(
    db,
    "organizations",
    (eb) => eb.and([eb("last_listed_at", ">=", runStartedAt), eb("id", ">", afterId)]),
    limit,
  );
}
