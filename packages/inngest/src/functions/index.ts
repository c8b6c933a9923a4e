import type { Db } from "@repo/db/client";
import type { InngestClient } from "../client.ts";
import { createTombstoneClerkUserFunction, createUpsertClerkUserFunction } from "./sync-clerk-user.ts";

export type FunctionDeps = { db: Db };

/** Every Inngest function this app serves, bound to its dependencies. */
export function createFunctions(inngest: InngestClient, deps: FunctionDeps) {
  return [createUpsertClerkUserFunction(inngest, deps), createTombstoneClerkUserFunction(inngest, deps)];
}

export {
  createTombstoneClerkUserFunction,
  createUpsertClerkUserFunction,
  type TombstoneResult,
  type UpsertResult,
} from "./sync-clerk-user.ts";
