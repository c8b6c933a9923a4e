import { type Kysely, sql } from "kysely";

// Frozen in time: this file must keep describing the schema as it was on the day it was written.
// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the app's current types.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("organizations")
    .addColumn("id", "text", (col) => col.primaryKey())
    // Nullable because a tombstone erases them; a live organization always has a name.
    .addColumn("name", "text")
    .addColumn("slug", "text")
    .addColumn("image_url", "text")
    .addColumn("public_metadata", "jsonb", (col) => col.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn("clerk_created_at", "timestamptz")
    .addColumn("clerk_updated_at", "timestamptz")
    .addColumn("deleted_at", "timestamptz")
    .addColumn("synced_at", "timestamptz")
    .addColumn("last_listed_at", "timestamptz")
    // App-owned: edited in this app, never written by a sync.
    .addColumn("description", "text")
    .addColumn("created_at", "timestamptz", (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (col) => col.notNull().defaultTo(sql`now()`))
    .execute();

  // No foreign keys to organizations or users: Clerk's webhooks arrive in any order, so a membership
  // may come before its organization and before its user, and must never be refused for it.
  await db.schema
    .createTable("organization_memberships")
    .addColumn("id", "text", (col) => col.primaryKey())
    .addColumn("organization_id", "text", (col) => col.notNull())
    .addColumn("user_id", "text", (col) => col.notNull())
    .addColumn("role", "text")
    // Clerk's public_user_data as the membership last carried it: who the member is while `users` has
    // no row for them yet.
    .addColumn("user_identifier", "text")
    .addColumn("user_first_name", "text")
    .addColumn("user_last_name", "text")
    .addColumn("user_image_url", "text")
    .addColumn("clerk_created_at", "timestamptz")
    .addColumn("clerk_updated_at", "timestamptz")
    .addColumn("deleted_at", "timestamptz")
    .addColumn("synced_at", "timestamptz")
    .addColumn("last_listed_at", "timestamptz")
    .addColumn("created_at", "timestamptz", (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (col) => col.notNull().defaultTo(sql`now()`))
    .execute();

  // Clerk has at most one membership per organization and user at a time. A member removed and added
  // again gets a new membership id, and the sync keeps the newer one live (see the repository).
  await db.schema
    .createIndex("organization_memberships_one_live_per_member")
    .on("organization_memberships")
    .columns(["organization_id", "user_id"])
    .unique()
    .where(sql.ref("deleted_at"), "is", null)
    .execute();
  // A deleted user's live memberships are found by user.
  await db.schema
    .createIndex("organization_memberships_live_by_user")
    .on("organization_memberships")
    .column("user_id")
    .where(sql.ref("deleted_at"), "is", null)
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up().
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("organization_memberships").execute();
  await db.schema.dropTable("organizations").execute();
}
