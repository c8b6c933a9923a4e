import { type Kysely, sql } from "kysely";

// Frozen in time: this file must keep describing the schema as it was on the day it was written.
// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the app's current types.
export async function up(db: Kysely<any>): Promise<void> {
  // `full`: lists everything and tombstones what Clerk no longer has (every run before this column was
  // one). `incremental`: lists only what changed since the last successful run and tombstones nothing.
  await db.schema
    .alterTable("reconciliation_runs")
    .addColumn("kind", "text", (col) => col.notNull().defaultTo("full"))
    .execute();
  // At most one running run of each kind: a short incremental run must not hold back the daily full
  // one, nor the other way round (an incremental run meeting a running full run skips on its own).
  await db.schema.dropIndex("reconciliation_runs_one_running").execute();
  await db.schema
    .createIndex("reconciliation_runs_one_running_per_kind")
    .on("reconciliation_runs")
    .column("kind")
    .unique()
    .where(sql.ref("status"), "=", "running")
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up().
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("reconciliation_runs_one_running_per_kind").execute();
  await db.deleteFrom("reconciliation_runs").where("kind", "=", "incremental").execute();
  await db.schema
    .createIndex("reconciliation_runs_one_running")
    .on("reconciliation_runs")
    .expression(sql`(status)`)
    .unique()
    .where(sql.ref("status"), "=", "running")
    .execute();
  await db.schema.alterTable("reconciliation_runs").dropColumn("kind").execute();
}
