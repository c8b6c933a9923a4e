import { type Kysely, sql } from "kysely";

// Frozen in time: this file must keep describing the schema as it was on the day it was written.
// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the app's current types.
export async function up(db: Kysely<any>): Promise<void> {
  // One row per kind of activity (`webhook_received`), holding when it last happened. In Postgres, not in
  // a replica's memory: whichever replica answers the operators' console must see every replica's webhooks.
  await db.schema
    .createTable("sync_activity")
    .addColumn("name", "text", (col) => col.primaryKey())
    .addColumn("at", "timestamptz", (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up().
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("sync_activity").execute();
}
