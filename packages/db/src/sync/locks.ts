import { type Kysely, sql, type Transaction } from "kysely";
import type { Database } from "../schema.ts";

/**
 * Locks that make the rules between tables hold under concurrent writers. A membership is live only
 * if its organization and its user are not tombstoned, and deleting either tombstones its
 * memberships. Under READ COMMITTED, a membership upsert that checked "user not deleted" and a user
 * delete that tombstoned "the user's memberships" could each miss the other's uncommitted row, and
 * leave a live membership of a deleted user. So the writers that decide liveness take a transaction-
 * scoped advisory lock per organization and per user they touch:
 * - a membership upsert locks its organizations and its users;
 * - an organization tombstone locks those organizations, a user tombstone those users.
 * Writes that cannot make anything live (upserting a user or an organization, tombstoning a
 * membership) need none. Every transaction takes its keys in ascending order, so two of them never
 * wait on each other in a cycle. A hash collision between two ids only makes unrelated writers take
 * turns.
 */
export type SyncLockKeys = { organizationIds?: readonly string[]; userIds?: readonly string[] };

/** Runs `work` in a transaction (or the one `db` already is) holding the advisory locks for `keys`. */
export async function withSyncLocks<T>(
  db: Kysely<Database>,
  keys: SyncLockKeys,
  work: (trx: Kysely<Database>) => Promise<T>,
): Promise<T> {
  const run = async (trx: Kysely<Database>) => {
    await lockSyncKeys(trx, keys);
    return work(trx);
  };
  return db.isTransaction ? run(db) : db.transaction().execute((trx: Transaction<Database>) => run(trx));
}

async function lockSyncKeys(trx: Kysely<Database>, keys: SyncLockKeys): Promise<void> {
  const names = [
    ...(keys.organizationIds ?? []).map((id) => `organization:${id}`),
    ...(keys.userIds ?? []).map((id) => `user:${id}`),
  ];
  if (names.length === 0) return;
  // The sorted subquery sets the order in which the locks are taken (see above).
  await sql`
    select pg_advisory_xact_lock(key) from (
      select distinct hashtextextended(name, 0) as key
      from jsonb_array_elements_text(${JSON.stringify(names)}::jsonb) as name
      order by key
    ) as keys`.execute(trx);
}
