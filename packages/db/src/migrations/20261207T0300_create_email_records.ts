import { type Kysely, sql } from "kysely";

// Frozen in time: this file must keep describing the schema as it was on the day it was written.
// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the app's current types.
export async function up(db: Kysely<any>): Promise<void> {
  // One row per user and kind of email: the primary key is what makes "at most once per user" hold
  // when two runs race. No foreign key to users: the welcome may be recorded before the sync writes
  // the user, as both run on the same Clerk event.
  await db.schema
    .createTable("email_sends")
    .addColumn("user_id", "text", (col) => col.notNull())
    .addColumn("kind", "text", (col) => col.notNull())
    .addColumn("state", "text", (col) => col.notNull())
    .addColumn("message_id", "text")
    .addColumn("smtp_reply_code", "integer")
    .addColumn("attempts", "integer", (col) => col.notNull().defaultTo(1))
    .addColumn("created_at", "timestamptz", (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (col) => col.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint("email_sends_pkey", ["user_id", "kind"])
    .execute();

  // A user's choice about product emails. No row: the default (on).
  await db.schema
    .createTable("email_preferences")
    .addColumn("user_id", "text", (col) => col.primaryKey())
    // What unsubscribe links name instead of the Clerk id, which no email may carry.
    .addColumn("link_id", "text", (col) => col.notNull().unique())
    .addColumn("product_emails", "boolean", (col) => col.notNull().defaultTo(true))
    .addColumn("updated_at", "timestamptz", (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up().
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("email_preferences").execute();
  await db.schema.dropTable("email_sends").execute();
}
