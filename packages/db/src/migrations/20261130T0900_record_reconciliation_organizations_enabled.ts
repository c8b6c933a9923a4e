import type { Kysely } from "kysely";

// Frozen in time: this file must keep describing the schema as it was on the day it was written.
// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the app's current types.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("reconciliation_runs")
    // Whether Clerk had the organizations feature on when the run asked (false: organizations and
    // memberships were left as they were). Null when the run never asked: it failed before, or it ran
    // before this column existed.
    .addColumn("organizations_enabled", "boolean")
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up().
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("reconciliation_runs").dropColumn("organizations_enabled").execute();
}
