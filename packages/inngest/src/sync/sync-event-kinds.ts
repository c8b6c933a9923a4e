import { mapParsed, type ParseResult } from "@repo/clerk/parse-result";
import type { Db } from "@repo/db/client";
import type { UpsertOutcome } from "@repo/db/sync";
import type { SyncEventKind, WrittenOutcomes } from "./batched-sync.ts";

/**
 * The created/updated kind of an object stored as one row carrying Clerk's version (users,
 * organizations): each event parsed and mapped to its row, the rows upserted under the SQL's ordering
 * rules. Both events upsert, so an update arriving first still works.
 */
export function upsertedRowsKind<Json, Row extends { id: string; clerk_updated_at: Date }>(
  parse: (data: unknown) => ParseResult<Json>,
  rowFromClerk: (json: Json) => Row,
  upsert: (db: Db, rows: readonly Row[]) => Promise<UpsertOutcome[]>,
): SyncEventKind<Row> {
  return {
    parse: (data) => mapParsed(parse(data), rowFromClerk),
    idOf: (row) => row.id,
    versionOf: (row) => row.clerk_updated_at.getTime(),
    write: async (db, rows) => new Map((await upsert(db, rows)).map(({ id, outcome }) => [id, outcome])),
  };
}

/**
 * The deleted kind of an object whose delete event carries its id alone (users, organizations): a
 * tombstone, whatever the version (Clerk never reuses an id, so nothing can come after a delete).
 */
export function tombstonedIdsKind(
  parseDeleted: (data: unknown) => ParseResult<{ id: string }>,
  markDeleted: (db: Db, ids: readonly string[]) => Promise<string[]>,
): SyncEventKind<string> {
  return {
    parse: (data) => mapParsed(parseDeleted(data), (deleted) => deleted.id),
    idOf: (id) => id,
    versionOf: () => 0,
    write: async (db, ids) => tombstonedOutcomes(await markDeleted(db, ids)),
  };
}

/** What a write that tombstoned these ids changed (the ids it returns were not tombstoned already). */
export function tombstonedOutcomes(ids: readonly string[]): WrittenOutcomes {
  return new Map(ids.map((id) => [id, "tombstoned"]));
}
