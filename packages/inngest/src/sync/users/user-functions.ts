import { mapParsed } from "@repo/clerk/parse-result";
import { parseClerkUser, parseDeletedClerkUser, userSyncRowFromClerk } from "@repo/clerk/users";
import { markUsersDeleted, type UserSyncRow, upsertUsersFromClerk } from "@repo/db/users";
import type { InngestClient } from "../../client.ts";
import { createBatchedSyncFunction, type SyncEventKind, type SyncFunctionDeps } from "../batched-sync.ts";
import { clerkUserCreated, clerkUserDeleted, clerkUserUpdated } from "./user-events.ts";

/** `user.created` and `user.updated` both upsert, so an update arriving first still works. */
const upsertedUsers: SyncEventKind<UserSyncRow> = {
  parse: (data) => mapParsed(parseClerkUser(data), userSyncRowFromClerk),
  idOf: (row) => row.id,
  versionOf: (row) => row.clerk_updated_at.getTime(),
  write: async (db, rows) => {
    const written = await upsertUsersFromClerk(db, rows);
    return new Map(written.map(({ id, outcome }) => [id, outcome]));
  },
};

/** `user.deleted`: erase the personal data and keep a tombstone, whatever the version. */
const deletedUsers: SyncEventKind<string> = {
  parse: (data) => mapParsed(parseDeletedClerkUser(data), (deleted) => deleted.id),
  idOf: (id) => id,
  versionOf: () => 0,
  write: async (db, ids) => new Map((await markUsersDeleted(db, ids)).map((id) => [id, "tombstoned"])),
};

/** `clerk/user.created` and `clerk/user.updated`, in batches. */
export function createUpsertClerkUserFunction(inngest: InngestClient, deps: SyncFunctionDeps) {
  return createBatchedSyncFunction(
    inngest,
    {
      id: "upsert-clerk-user",
      name: "Upsert Clerk users into the users table",
      events: [clerkUserCreated.name, clerkUserUpdated.name],
      kind: upsertedUsers,
      metricKind: "user",
    },
    deps,
  );
}

/** `clerk/user.deleted`, in batches. */
export function createTombstoneClerkUserFunction(inngest: InngestClient, deps: SyncFunctionDeps) {
  return createBatchedSyncFunction(
    inngest,
    {
      id: "tombstone-clerk-user",
      name: "Tombstone users deleted in Clerk",
      events: [clerkUserDeleted.name],
      kind: deletedUsers,
      metricKind: "user",
    },
    deps,
  );
}
