import { type Kysely, sql } from "kysely";

// Frozen in time: this file must keep describing the schema as it was on the day it was written.
// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the app's current types.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("reconciliation_runs")
    // The Inngest run that owns this row, so a failure handler marks its own run and no other.
    .addColumn("inngest_run_id", "text")
    // Whoever started the run allowed it to tombstone more than the usual share of users.
    .addColumn("mass_tombstone_allowed", "boolean", (col) => col.notNull().defaultTo(false))
    // What the check before any tombstone saw: live users, and those the listing did not see.
    .addColumn("live_users", "integer")
    .addColumn("tombstone_candidates", "integer")
    // Users Clerk returned that could not be stored: how many, and the first of them by id and reason.
    .addColumn("skipped", "integer", (col) => col.notNull().defaultTo(0))
    .addColumn("skipped_users", "jsonb", (col) => col.notNull().defaultTo(sql`'[]'::jsonb`))
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up().
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("reconciliation_runs")
    .dropColumn("skipped_users")
    .dropColumn("skipped")
    .dropColumn("tombstone_candidates")
    .dropColumn("live_users")
    .dropColumn("mass_tombstone_allowed")
    .dropColumn("inngest_run_id")
    .execute();
}
