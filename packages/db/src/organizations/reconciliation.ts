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
  const rows = await db
    .selectFrom("organizations")
    .select("id")
    .where("deleted_at", "is", null)
    .where("last_listed_at", ">=", runStartedAt)
    .where("id", ">", afterId)
    .orderBy("id")
    .limit(limit)
    .execute();
  return rows.map((row) => row.id);
}
