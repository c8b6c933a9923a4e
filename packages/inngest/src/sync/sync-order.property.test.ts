import { openTestDatabase, type TestDatabase, testDatabaseKinds } from "@repo/db/testing";
import type { User } from "@repo/db/users";
import { findUserById } from "@repo/db/users";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createInngestClient } from "../client.ts";
import { clerkUserJson } from "../testing/clerk-fixtures.ts";
import { type ClerkEvent, runFunction, silentLogger } from "../testing/run-function.ts";
import { createTombstoneClerkUserFunction, createUpsertClerkUserFunction } from "./users/user-functions.ts";

/** One user's history as Clerk produces it: a create, updates with rising updated_at, maybe a delete. */
const historyArb = fc
  .record({
    updates: fc.array(
      fc.record({
        gapMs: fc.integer({ min: 1, max: 60_000 }),
        first_name: fc.option(fc.string({ maxLength: 12 }), { nil: null }),
        username: fc.option(fc.stringMatching(/^[a-z0-9_]{1,12}$/), { nil: null }),
        plan: fc.constantFrom("free", "pro", "team"),
      }),
      { maxLength: 5 },
    ),
    deleted: fc.boolean(),
  })
  .map(({ updates, deleted }) => {
    const created = clerkUserJson();
    const events: Array<{ kind: "created" | "updated"; user: typeof created } | { kind: "deleted" }> = [
      { kind: "created", user: created },
    ];
    let current = created;
    for (const update of updates) {
      current = {
        ...current,
        first_name: update.first_name,
        username: update.username,
        public_metadata: { plan: update.plan },
        updated_at: current.updated_at + update.gapMs,
      };
      events.push({ kind: "updated", user: current });
    }
    if (deleted) events.push({ kind: "deleted" });
    return events;
  });

/** A history, and a delivery of it: every event at least once, some twice or more, in any order. */
const deliveryArb = historyArb.chain((history) =>
  fc
    .array(fc.nat({ max: history.length - 1 }), { maxLength: 4 })
    .chain((duplicates) => {
      const all = [...history, ...duplicates.map((i) => history[i] as (typeof history)[number])];
      return fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length });
    })
    .map((delivery) => ({ history, delivery })),
);

type HistoryEvent = (typeof historyArb extends fc.Arbitrary<infer T> ? T : never)[number];

/** The row a user of this app would see, without the bookkeeping timestamps that say when we wrote it. */
function observable(row: User | undefined) {
  if (!row) return undefined;
  const { created_at, updated_at, synced_at, deleted_at, id, ...rest } = row;
  return { ...rest, deleted: deleted_at !== null };
}

describe.each(testDatabaseKinds())("sync under any delivery order on %s", (kind) => {
  let t: TestDatabase;
  const inngest = createInngestClient({ isDev: true, logger: silentLogger() });
  let deliver: (userId: string, event: HistoryEvent) => Promise<void>;

  beforeAll(async () => {
    t = await openTestDatabase(kind);
    const upsert = createUpsertClerkUserFunction(inngest, { db: t.db });
    const tombstone = createTombstoneClerkUserFunction(inngest, { db: t.db });
    deliver = async (userId, event) => {
      const clerkEvent: ClerkEvent =
        event.kind === "deleted"
          ? { name: "clerk/user.deleted", data: { id: userId, object: "user", deleted: true } }
          : { name: `clerk/user.${event.kind}`, data: { ...event.user, id: userId } };
      const { error } = await runFunction(event.kind === "deleted" ? tombstone : upsert, clerkEvent);
      if (error) throw error;
    };
  });
  afterAll(async () => {
    await t.close();
  });

  it("ends in the state in-order delivery gives, duplicates and all", async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(deliveryArb, async ({ history, delivery }) => {
        run += 1;
        // Two ids for the same history: one receives it in order, the other as the network delivers it.
        const inOrderId = `user_inorder_${run}`;
        const shuffledId = `user_shuffled_${run}`;
        for (const event of history) await deliver(inOrderId, event);
        for (const event of delivery) await deliver(shuffledId, event);
        const expected = observable(await findUserById(t.db, inOrderId));
        expect(expected).toBeDefined();
        expect(observable(await findUserById(t.db, shuffledId))).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });
});
