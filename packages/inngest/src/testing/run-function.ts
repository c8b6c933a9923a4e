import { InngestTestEngine } from "@inngest/test";
import type { InngestFunction } from "inngest";
import type { SyncEventOutcome } from "../sync/batched-sync.ts";

export type ClerkEvent = { id?: string; name: string; data: Record<string, unknown> };

/**
 * Runs an Inngest function to completion for one event through @inngest/test (the SDK's own execution
 * engine, event schema validation included). Returns what the function returned, or the error it
 * ended with.
 */
export async function runFunction(fn: InngestFunction.Like, event: ClerkEvent) {
  return runBatch(fn, [event]);
}

/** runFunction for a batch: one run that receives every event, as Inngest runs a batched function. */
export async function runBatch(fn: InngestFunction.Like, events: readonly ClerkEvent[]) {
  const engine = new InngestTestEngine({ function: fn });
  const [first, ...rest] = events;
  if (!first) throw new Error("Inngest never starts a run without an event");
  const { result, error } = await engine.execute({ events: [{ ...first }, ...rest.map((event) => ({ ...event }))] });
  return { result, error: error as (Error & { name: string }) | undefined };
}

/** What a sync function did with the one event of its run, without the event id. */
export function outcomeOfOnly(result: unknown): Omit<SyncEventOutcome, "eventId"> | undefined {
  const outcomes = (result as { outcomes?: SyncEventOutcome[] } | undefined)?.outcomes;
  if (outcomes?.length !== 1) return undefined;
  const [{ eventId, ...outcome }] = outcomes as [SyncEventOutcome];
  return outcome;
}

/** Keeps expected function failures (bad payloads) out of the test output. */
export function silentLogger() {
  const noop = () => {};
  return { info: noop, warn: noop, error: noop, debug: noop };
}
