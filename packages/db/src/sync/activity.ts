import { sql } from "kysely";
import type { SyncActivityName } from "../schema.ts";
import type { Executor } from "./types.ts";

/**
 * Records that `name` happened now: one upsert of one row, cheap enough for every webhook delivery.
 * A later time only ever replaces an earlier one, so replicas racing each other leave the latest.
 */
export async function recordSyncActivity(db: Executor, name: SyncActivityName): Promise<void> {
  await db
    .insertInto("sync_activity")
    .values({ name, at: sql`now()` })
    .onConflict((oc) =>
      oc.column("name").doUpdateSet({ at: sql`excluded.at` }).whereRef("sync_activity.at", "<", "excluded.at"),
    )
    .execute();
}

/** When `name` last happened (undefined: never, since the table was made). */
export async function findSyncActivityAt(db: Executor, name: SyncActivityName): Promise<Date | undefined> {
  const row = await db.selectFrom("sync_activity").select("at").where("name", "=", name).executeTakeFirst();
  return row?.at;
}
