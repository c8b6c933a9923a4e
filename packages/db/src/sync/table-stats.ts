import type { Executor } from "./types.ts";

/** The tables a Clerk sync writes, by their names in Postgres. */
export const SYNCED_TABLES = ["users", "organizations", "organization_memberships"] as const;
export type SyncedTable = (typeof SYNCED_TABLES)[number];

export type SyncedTableStats = {
  table: SyncedTable;
  live: number;
  tombstones: number;
  /** The newest Clerk `updated_at` stored (null: the table is empty). */
  newestClerkUpdatedAt: Date | null;
  /** When a sync (webhook or reconciliation) last changed a row of it (null: never). */
  lastSyncedAt: Date | null;
};

/**
 * Each synced table's live rows and tombstones, its newest Clerk version and its latest sync write: one
 * aggregate per table. It reads every row (a count has no shortcut in Postgres), which for a million
 * users is a fraction of a second: fine for an operator's page and a metrics scrape, not for a hot path.
 */
export async function summariseSyncedTables(db: Executor): Promise<SyncedTableStats[]> {
  return Promise.all(SYNCED_TABLES.map((table) => summariseTable(db, table)));
}

async function summariseTable(db: Executor, table: SyncedTable): Promise<SyncedTableStats> {
  const row = await db
    .selectFrom(table)
    .select((eb) => [
      eb.fn.countAll<string>().filterWhere("deleted_at", "is", null).as("live"),
      eb.fn.countAll<string>().filterWhere("deleted_at", "is not", null).as("tombstones"),
      eb.fn.max("clerk_updated_at").as("newestClerkUpdatedAt"),
      eb.fn.max("synced_at").as("lastSyncedAt"),
    ])
    .executeTakeFirstOrThrow();
  return {
    table,
    live: Number(row.live),
    tombstones: Number(row.tombstones),
    newestClerkUpdatedAt: asDate(row.newestClerkUpdatedAt),
    lastSyncedAt: asDate(row.lastSyncedAt),
  };
}

/** max() of a timestamp comes back as a Date from pg and PGlite alike; null for an empty table. */
function asDate(value: Date | string | null): Date | null {
  if (value === null) return null;
  return value instanceof Date ? value : new Date(value);
}
