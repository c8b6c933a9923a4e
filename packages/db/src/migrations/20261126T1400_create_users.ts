import { type Kysely, sql } from "kysely";

// Frozen in time: this file must keep describing the schema as it was on the day it was written.
// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the app's current types.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("users")
    .addColumn("id", "text", (col) => col.primaryKey())
    .addColumn("email", "text")
    .addColumn("username", "text")
    .addColumn("first_name", "text")
    .addColumn("last_name", "text")
    .addColumn("image_url", "text")
    .addColumn("public_metadata", "jsonb", (col) => col.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn("clerk_created_at", "timestamptz")
    .addColumn("clerk_updated_at", "timestamptz")
    .addColumn("last_sign_in_at", "timestamptz")
    .addColumn("deleted_at", "timestamptz")
    .addColumn("synced_at", "timestamptz")
    .addColumn("display_name", "text")
    .addColumn("bio", "text")
    .addColumn("created_at", "timestamptz", (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (col) => col.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema.createIndex("users_email_idx").on("users").column("email").execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up().
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("users").execute();
}
