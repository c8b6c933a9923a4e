import { type Selectable, sql, type Updateable } from "kysely";
import type { Database } from "../schema.ts";
import type { IdOrderedTable, ListedTable } from "./listing.ts";
import { type Executor, inIdOrder } from "./types.ts";

/**
 * What a tombstone of `table` holds in each column a delete clears: null, or what a NOT NULL column
 * holds when empty. Everything but what identifies the row goes, Clerk's timestamps included, so a
 * tombstone is the same whatever order the events came in.
 */
export type Erased<T extends ListedTable> = Updateable<Database[T]>;

/** What a tombstone keeps: its id, and for a membership its organization and user. */
type TombstoneIdentity = { id: string } & Record<string, string>;

/** The SET list that turns a row of `table` into a tombstone deleted at `deletedAt`. */
export function tombstoneSetList<T extends ListedTable>(erased: Erased<T>, deletedAt: Date) {
  return sql.join([
    ...assignments(erased),
    sql`deleted_at = ${deletedAt}::timestamptz, synced_at = ${deletedAt}::timestamptz, updated_at = now()`,
  ]);
}

/**
 * Sets these columns of a live row of `table` (app-owned ones: a sync writes through upsertNewerVersions)
 * and returns the row; undefined for an unknown id or a tombstone.
 */
export async function updateLiveRow<T extends IdOrderedTable>(
  db: Executor,
  table: T,
  id: string,
  changes: Updateable<Database[T]>,
): Promise<Selectable<Database[T]> | undefined> {
  const updated = await sql<Selectable<Database[T]>>`
    update ${sql.table(table)} set ${sql.join([...assignments(changes), sql`updated_at = now()`])}
    where id = ${id}
      -- A tombstone stays as the delete left it: an edit must not put personal data back.
      and deleted_at is null
    returning *`.execute(db);
  return updated.rows[0];
}

/** `column = value` for each value given (undefined: left as it is, as Kysely's set() does). */
function assignments(values: object) {
  return Object.entries(values)
    .filter(([, value]) => value !== undefined)
    .map(([column, value]) => sql`${sql.ref(column)} = ${value}`);
}

/**
 * Tombstones these rows of `table`, whatever their version (Clerk's delete may carry the same one as
 * the last update). A row never seen still gets its tombstone, so a late create or update cannot bring
 * it back. Rows are written, and locked, in id order (see inIdOrder). Returns the ids that were not
 * already tombstoned.
 */
export async function writeTombstones<T extends ListedTable>(
  db: Executor,
  table: T,
  identities: readonly TombstoneIdentity[],
  erased: Erased<T>,
): Promise<string[]> {
  const deletedAt = new Date();
  // A new tombstone holds what an existing row is set to below: its identity and the erased values.
  const rows = inIdOrder([...new Map(identities.map((identity) => [identity.id, identity])).values()]).map(
    (identity) => ({ ...identity, ...erased, deleted_at: deletedAt, synced_at: deletedAt }),
  );
  const first = rows[0];
  if (first === undefined) return [];
  const columns = Object.keys(first);
  const values = rows.map((row) => sql`(${sql.join(columns.map((column) => row[column]))})`);
  const written = await sql<{ id: string }>`
    insert into ${sql.table(table)} as stored (${sql.join(columns.map((column) => sql.ref(column)))})
    values ${sql.join(values)}
    on conflict (id) do update set ${tombstoneSetList(erased, deletedAt)}
    -- A second delete changes nothing: the first deletion time is the true one.
    where stored.deleted_at is null
    returning stored.id`.execute(db);
  return written.rows.map((row) => row.id);
}
