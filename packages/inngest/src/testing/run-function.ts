import { InngestTestEngine } from "@inngest/test";
import type { InngestFunction } from "inngest";

export type ClerkEvent = { name: string; data: Record<string, unknown> };

/**
 * Runs an Inngest function to completion for one event through @inngest/test (the SDK's own execution
 * engine, event schema validation included). Returns what the function returned, or the error it
 * ended with.
 */
export async function runFunction(fn: InngestFunction.Like, event: ClerkEvent) {
  const engine = new InngestTestEngine({ function: fn });
  const { result, error } = await engine.execute({ events: [{ name: event.name, data: event.data }] });
  return { result, error: error as (Error & { name: string }) | undefined };
}

/** Keeps expected function failures (bad payloads) out of the test output. */
export function silentLogger() {
  const noop = () => {};
  return { info: noop, warn: noop, error: noop, debug: noop };
}
