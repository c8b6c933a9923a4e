import type { Kysely } from "kysely";

const countedKinds = ["organizations", "memberships"] as const;
const countedOutcomes = ["listed", "created", "updated", "unchanged", "tombstoned"] as const;

// Frozen in time: this file must keep describing the schema as it was on the day it was written.
// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the app's current types.
export async function up(db: Kysely<any>): Promise<void> {
  let table = db.schema
    .alterTable("reconciliation_runs")
    // What the check before any tombstone saw of organizations: live ones, and those the listing did not see.
    .addColumn("live_organizations", "integer")
    .addColumn("organization_tombstone_candidates", "integer");
  // The run's counts for organizations and memberships, beside the users' `listed` ... `tombstoned`.
  for (const kind of countedKinds) {
    for (const outcome of countedOutcomes) {
      table = table.addColumn(`${kind}_${outcome}`, "integer", (col) => col.notNull().defaultTo(0));
    }
  }
  await table.execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up().
export async function down(db: Kysely<any>): Promise<void> {
  let table = db.schema
    .alterTable("reconciliation_runs")
    .dropColumn("organization_tombstone_candidates")
    .dropColumn("live_organizations");
  for (const kind of countedKinds) {
    for (const outcome of countedOutcomes) table = table.dropColumn(`${kind}_${outcome}`);
  }
  await table.execute();
}
