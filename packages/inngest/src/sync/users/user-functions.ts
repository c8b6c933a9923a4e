import { parseClerkUser, parseDeletedClerkUser, userSyncRowFromClerk } from "@repo/clerk/users";
import { markUsersDeleted, upsertUsersFromClerk } from "@repo/db/users";
import { clerkObjectSyncFunctions } from "../batched-sync.ts";
import { tombstonedIdsKind, upsertedRowsKind } from "../sync-event-kinds.ts";
import { clerkUserEvents } from "./user-events.ts";

const upsertedUsers = upsertedRowsKind(parseClerkUser, userSyncRowFromClerk, upsertUsersFromClerk);
/** `user.deleted`: erase the personal data and keep a tombstone, whatever the version. */
const deletedUsers = tombstonedIdsKind(parseDeletedClerkUser, markUsersDeleted);

/** `clerk/user.created` and `clerk/user.updated` upsert, `clerk/user.deleted` tombstones, in batches. */
export const { upsert: createUpsertClerkUserFunction, tombstone: createTombstoneClerkUserFunction } =
  clerkObjectSyncFunctions("user", clerkUserEvents, {
    upsert: { id: "upsert-clerk-user", name: "Upsert Clerk users into the users table", kind: upsertedUsers },
    tombstone: { id: "tombstone-clerk-user", name: "Tombstone users deleted in Clerk", kind: deletedUsers },
  });
