import { type Insertable, sql } from "kysely";
import type { Database } from "../schema.ts";
import type { IdOrderedTable } from "./listing.ts";
import { type ClerkTimestamps, type Executor, newestPerId, type UpsertOutcome } from "./types.ts";

/**
 * `Columns` itself when it names every column of `Row` but the id; otherwise a type that no list
 * satisfies, naming the columns left out, so a column added to a sync row cannot go unwritten.
 */
type EveryColumnBut<Row, Columns extends readonly string[]> =
  Exclude<keyof Row, "id" | Columns[number]> extends never
    ? Columns
    : { missingColumns: Exclude<keyof Row, "id" | Columns[number]> };

/**
 * Writes Clerk's view of these rows of `table` (users or organizations) in one statement: the id and
 * `columns`, the columns a sync owns. App-owned columns are never in `columns`, so a sync never
 * overwrites them. Returns the rows it created or changed; a row missing from the result was left
 * alone, for a reason in the statement's WHERE. (Memberships have rules across rows as well, see
 * upsertMembershipsFromClerk.)
 */
export async function upsertNewerVersions<
  T extends IdOrderedTable,
  Row extends { id: string } & ClerkTimestamps & Insertable<Database[T]>,
  const Columns extends readonly Exclude<keyof Row & keyof Database[T] & string, "id">[],
>(
  db: Executor,
  table: T,
  rows: readonly Row[],
  columns: Columns & EveryColumnBut<Row, Columns>,
): Promise<UpsertOutcome[]> {
  if (rows.length === 0) return [];
  const syncedAt = new Date();
  const values = newestPerId(rows).map(
    (row) => sql`(${sql.join([row.id, ...columns.map((column) => row[column]), syncedAt])})`,
  );
  const written = await sql<{ id: string; inserted: boolean }>`
    insert into ${sql.table(table)} as stored (id, ${sql.join(columns.map((column) => sql.ref(column)))}, synced_at)
    values ${sql.join(values)}
    on conflict (id) do update set
      ${sql.join(columns.map((column) => sql`${sql.ref(column)} = excluded.${sql.ref(column)}`))},
      synced_at = excluded.synced_at,
      updated_at = now()
    -- A tombstone stays one: Clerk never reuses an id, so anything arriving after a delete is late.
    where stored.deleted_at is null
      -- A late or duplicate event must not roll a row back, so only an older stored version is replaced.
      -- The check sits here, in the statement, so two writers racing on one row cannot both pass it.
      and (stored.clerk_updated_at is null or stored.clerk_updated_at < excluded.clerk_updated_at)
    -- xmax is 0 only for a row this statement inserted: how Postgres tells an insert from an update.
    returning stored.id, (stored.xmax = 0) as inserted`.execute(db);
  return written.rows.map((row) => ({ id: row.id, outcome: row.inserted ? "created" : "updated" }));
}
