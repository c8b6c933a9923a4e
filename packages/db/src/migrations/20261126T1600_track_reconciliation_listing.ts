import { type Kysely, sql } from "kysely";

// Frozen in time: this file must keep describing the schema as it was on the day it was written.
// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the app's current types.
export async function up(db: Kysely<any>): Promise<void> {
  // When a reconciliation last saw this user in Clerk's user list: users it did not see are candidates
  // for a tombstone once a listing completes.
  await db.schema.alterTable("users").addColumn("last_listed_at", "timestamptz").execute();
  // At most one reconciliation at a time, whatever starts it (Inngest or the command line).
  await db.schema
    .createIndex("reconciliation_runs_one_running")
    .on("reconciliation_runs")
    .expression(sql`(status)`)
    .unique()
    .where(sql.ref("status"), "=", "running")
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up().
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("reconciliation_runs_one_running").execute();
  await db.schema.alterTable("users").dropColumn("last_listed_at").execute();
}
