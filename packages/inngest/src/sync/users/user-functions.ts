import { userSyncRowFromClerk } from "@repo/clerk/users";
import type { Db } from "@repo/db/client";
import { markUserDeleted, upsertUsersFromClerk } from "@repo/db/users";
import type { InngestClient } from "../../client.ts";
import { recordSyncOutcome } from "../sync-metrics.ts";
import { clerkUserCreated, clerkUserDeleted, clerkUserUpdated } from "./user-events.ts";

/**
 * One lock per Clerk user, shared by both functions below (scope "env" makes the key global rather than
 * per function), so a create, an update and a delete for the same user never run at once.
 * Correctness does not rest on it: the ordering rules are in the SQL (stale updates lose, tombstones
 * win), which is what keeps retries, duplicates and out-of-order delivery harmless.
 */
const oneRunPerUser = { scope: "env", key: `"clerk-user:" + event.data.id`, limit: 1 } as const;

export type UpsertResult = { userId: string; outcome: "created" | "updated" | "unchanged" };
export type TombstoneResult = { userId: string; outcome: "tombstoned" | "unchanged" };

/** `clerk/user.created` and `clerk/user.updated`: both upsert, so an update arriving first still works. */
export function createUpsertClerkUserFunction(inngest: InngestClient, deps: { db: Db }) {
  return inngest.createFunction(
    {
      id: "upsert-clerk-user",
      name: "Upsert a Clerk user into the users table",
      triggers: [clerkUserCreated, clerkUserUpdated],
      concurrency: oneRunPerUser,
    },
    async ({ event, step }): Promise<UpsertResult> => {
      const outcome = await step.run("upsert-user", async () => {
        const [written] = await upsertUsersFromClerk(deps.db, [userSyncRowFromClerk(event.data)]);
        return written?.outcome ?? "unchanged";
      });
      recordSyncOutcome("user", outcome);
      return { userId: event.data.id, outcome };
    },
  );
}

/** `clerk/user.deleted`: erase the personal data and keep a tombstone. */
export function createTombstoneClerkUserFunction(inngest: InngestClient, deps: { db: Db }) {
  return inngest.createFunction(
    {
      id: "tombstone-clerk-user",
      name: "Tombstone a user deleted in Clerk",
      triggers: [clerkUserDeleted],
      concurrency: oneRunPerUser,
    },
    async ({ event, step }): Promise<TombstoneResult> => {
      const userId = event.data.id;
      const tombstoned = await step.run("tombstone-user", () => markUserDeleted(deps.db, userId));
      recordSyncOutcome("user", tombstoned ? "tombstoned" : "unchanged");
      return { userId, outcome: tombstoned ? "tombstoned" : "unchanged" };
    },
  );
}
