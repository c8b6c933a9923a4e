import type { ParseResult } from "@repo/clerk/parse-result";
import type { Db } from "@repo/db/client";
import { refusalOf } from "@repo/db/sync";
import type { Logger } from "inngest";
import type { InngestClient } from "../client.ts";
import { recordSyncOutcome, type SyncKind } from "./sync-metrics.ts";

/**
 * How Inngest batches the Clerk events of each sync function: a run starts when `maxSize` events wait,
 * or `timeout` after the first of them. Inngest refuses to register a function whose batch is larger
 * than the plan allows (Free: 5 events, Pro: 100, Business: 500; see docs/batches.md).
 */
export type SyncBatching = { maxSize: number; timeout: `${number}s` };

/**
 * 100 events, the Pro plan's batch capacity: a burst (an import, a replay of Svix's backlog) costs one
 * run and one call per 100 events. 5 s: a lone event waits at most that long, well inside Free's 30 s.
 */
export const DEFAULT_SYNC_BATCHING: SyncBatching = { maxSize: 100, timeout: "5s" };

/** What a sync function did with each event of its batch. */
export type SyncEventOutcome =
  | { eventId: string; id: string; outcome: "created" | "updated" | "ended" | "tombstoned" | "unchanged" }
  | { eventId: string; outcome: "skipped"; reason: string };

/** What a write changed, by Clerk id; an id missing from it was left as it was. */
export type WrittenOutcomes = Map<string, "created" | "updated" | "ended" | "tombstoned">;

/**
 * One kind of Clerk event as a batched sync function handles it: the users' upsert, the memberships'
 * tombstone, and so on.
 */
export type SyncEventKind<Item> = {
  /** Reads one event's data: the Clerk object's own parser, mapped to what `write` takes. */
  parse(data: unknown): ParseResult<Item>;
  idOf(item: Item): string;
  /** Clerk's version (updated_at); of several events for one id, the newest is the one written. */
  versionOf(item: Item): number;
  /**
   * Writes the items in one statement, or one transaction, under the SQL's ordering rules (stale loses,
   * deletes always apply, tombstones stay), so that a retry, a duplicate or any delivery order ends the
   * same: idempotent, which is why a run needs no step.
   */
  write(db: Db, items: readonly Item[]): Promise<WrittenOutcomes>;
};

/** The part of an Inngest event a sync function reads. */
export type ReceivedEvent = { id?: string | undefined; name: string; data: unknown };

/**
 * Writes a batch of events of one kind and says what happened to each. An event that fails its parser,
 * or that Postgres refuses, is skipped and logged with its id and the reason; the rest are written.
 * Anything else failing (the database unreachable, a timeout) fails the whole run, so Inngest retries
 * it: every write is idempotent, and the retry ends as one run would have.
 */
export async function syncBatch<Item>(
  kind: SyncEventKind<Item>,
  deps: { db: Db; logger: Logger; metricKind: SyncKind },
  events: readonly ReceivedEvent[],
): Promise<SyncEventOutcome[]> {
  const parsed = events.map((event) => kind.parse(event.data));
  const valid = parsed.flatMap((result, index) => (result.success ? [{ index, item: result.data }] : []));
  const { written, refused } = await writeAllButRefused(kind, deps.db, valid);
  const newest = newestOfEachId(
    kind,
    valid.filter(({ index }) => !refused.has(index)),
  );

  const outcomes = events.map((event, index): SyncEventOutcome => {
    const eventId = event.id ?? "(no id)";
    const result = parsed[index] as ParseResult<Item>;
    if (!result.success) return { eventId, outcome: "skipped", reason: result.reason };
    const refusal = refused.get(index);
    if (refusal) return { eventId, outcome: "skipped", reason: refusal };
    const id = kind.idOf(result.data);
    // An older (or repeated) version of an id in the same batch changed nothing of its own.
    if (newest.get(id) !== index) return { eventId, id, outcome: "unchanged" };
    return { eventId, id, outcome: written.get(id) ?? "unchanged" };
  });
  // Every event's outcome is known here, and only here.
  for (const [index, outcome] of outcomes.entries()) {
    recordSyncOutcome(deps.metricKind, outcome.outcome === "skipped" ? "invalid" : outcome.outcome);
    if (outcome.outcome !== "skipped") continue;
    const { eventId, reason } = outcome;
    deps.logger.warn({ eventId, name: events[index]?.name, reason }, "skipped a Clerk event the sync cannot write");
  }
  return outcomes;
}

/** A parsed event's item, and where the event is in its batch. */
type Entry<Item> = { index: number; item: Item };

/**
 * Writes the items in one go. When Postgres refuses the statement for a row's data, the statement
 * wrote nothing; the batch is halved until each refused row stands alone, so one bad row costs a few
 * statements, not a batch. Returns the reason for each refused event, by its place in the batch.
 */
async function writeAllButRefused<Item>(
  kind: SyncEventKind<Item>,
  db: Db,
  entries: readonly Entry<Item>[],
): Promise<{ written: WrittenOutcomes; refused: Map<number, string> }> {
  const written: WrittenOutcomes = new Map();
  const refused = new Map<number, string>();
  const attempt = async (part: readonly Entry<Item>[]): Promise<void> => {
    if (part.length === 0) return;
    try {
      const outcomes = await kind.write(
        db,
        part.map(({ item }) => item),
      );
      for (const [id, outcome] of outcomes) written.set(id, outcome);
    } catch (error) {
      const refusal = refusalOf(error);
      if (refusal === undefined) throw error;
      const [only] = part;
      if (part.length === 1 && only !== undefined) {
        refused.set(only.index, refusal);
        return;
      }
      const half = Math.ceil(part.length / 2);
      await attempt(part.slice(0, half));
      await attempt(part.slice(half));
    }
  };
  await attempt(entries);
  return { written, refused };
}

/** For each id, the place of the event written for it: its newest version, the first of equals, as newestPerId keeps. */
function newestOfEachId<Item>(kind: SyncEventKind<Item>, entries: readonly Entry<Item>[]): Map<string, number> {
  const newest = new Map<string, Entry<Item>>();
  for (const entry of entries) {
    const id = kind.idOf(entry.item);
    const seen = newest.get(id);
    if (seen === undefined || kind.versionOf(seen.item) < kind.versionOf(entry.item)) newest.set(id, entry);
  }
  return new Map([...newest].map(([id, { index }]) => [id, index]));
}

/** What every sync function needs. */
export type SyncFunctionDeps = { db: Db; batching?: SyncBatching | undefined };

/**
 * A sync function: Inngest hands it up to `batching.maxSize` events of the named types at once, and it
 * writes them all in one run, without steps (its one write is idempotent: a retry repeats it
 * harmlessly, so there is nothing to checkpoint). No concurrency key: per-entity keys mean nothing to a
 * batch, and correctness never rested on them; the ordering rules are in the SQL.
 *
 * The triggers name the events without their schemas on purpose: Inngest validates every event of a
 * batch against its trigger's schema before the handler runs and fails the whole run for one bad event.
 * Each event is parsed here instead, once, and a bad one is skipped alone.
 */
function createBatchedSyncFunction<Item>(
  inngest: InngestClient,
  options: {
    id: string;
    name: string;
    events: readonly [string, ...string[]];
    kind: SyncEventKind<Item>;
    /** The Clerk object the events are about, for the sync-events metric. */
    metricKind: SyncKind;
  },
  deps: SyncFunctionDeps,
) {
  return inngest.createFunction(
    {
      id: options.id,
      name: options.name,
      triggers: options.events.map((event) => ({ event })),
      batchEvents: deps.batching ?? DEFAULT_SYNC_BATCHING,
    },
    async ({ events, logger }): Promise<{ outcomes: SyncEventOutcome[] }> => ({
      outcomes: await syncBatch(options.kind, { db: deps.db, logger, metricKind: options.metricKind }, events),
    }),
  );
}

/**
 * One of a Clerk object's two sync functions: its Inngest id and name, persisted (Inngest keys runs and
 * history on them, so never renamed), and how it writes its events.
 */
type SyncFunctionSpec<Item> = { id: string; name: string; kind: SyncEventKind<Item> };

/** A Clerk object's three events, by their Inngest names. */
type ClerkObjectEventNames = Record<"created" | "updated" | "deleted", { name: string }>;

/**
 * The two sync functions of one Clerk object, each built from the client and its deps: `upsert` on the
 * object's created and updated events, `tombstone` on its deleted ones; both count under `metricKind`.
 */
export function clerkObjectSyncFunctions<Upserted, Deleted>(
  metricKind: SyncKind,
  events: ClerkObjectEventNames,
  functions: { upsert: SyncFunctionSpec<Upserted>; tombstone: SyncFunctionSpec<Deleted> },
) {
  const { upsert, tombstone } = functions;
  return {
    upsert: (inngest: InngestClient, deps: SyncFunctionDeps) =>
      createBatchedSyncFunction(
        inngest,
        { ...upsert, events: [events.created.name, events.updated.name], metricKind },
        deps,
      ),
    tombstone: (inngest: InngestClient, deps: SyncFunctionDeps) =>
      createBatchedSyncFunction(inngest, { ...tombstone, events: [events.deleted.name], metricKind }, deps),
  };
}
