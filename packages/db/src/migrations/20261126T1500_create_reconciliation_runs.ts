import { type Kysely, sql } from "kysely";

// Frozen in time: this file must keep describing the schema as it was on the day it was written.
// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the app's current types.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("reconciliation_runs")
    .addColumn("id", "integer", (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn("started_at", "timestamptz", (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn("finished_at", "timestamptz")
    .addColumn("status", "text", (col) => col.notNull())
    .addColumn("trigger", "text", (col) => col.notNull())
    .addColumn("listed", "integer", (col) => col.notNull().defaultTo(0))
    .addColumn("created", "integer", (col) => col.notNull().defaultTo(0))
    .addColumn("updated", "integer", (col) => col.notNull().defaultTo(0))
    .addColumn("unchanged", "integer", (col) => col.notNull().defaultTo(0))
    .addColumn("tombstoned", "integer", (col) => col.notNull().defaultTo(0))
    .addColumn("error", "text")
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up().
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("reconciliation_runs").execute();
}
