import type { ClerkClient } from "@clerk/backend";
import type { ParseResult } from "@repo/clerk/parse-result";
import type { Db } from "@repo/db/client";
import type { z } from "zod";
import { AppError, type AppErrorCode } from "../errors/app-error.ts";
import {
  askClerkWithin,
  CLERK_LOOKUP_TIMEOUT_MS,
  clerkNotConfigured,
  createJustInTimeLookup,
  requireClerkId,
  requireValidClerkAnswer,
} from "./just-in-time-lookup.ts";

export type ClerkDirectoryDeps = {
  db: Db;
  clerk: ClerkClient | undefined;
  /** The bound on one lookup in Clerk; CLERK_LOOKUP_TIMEOUT_MS by default. */
  clerkLookupTimeoutMs?: number | undefined;
};

/** What a directory needs to know of one kind of Clerk object (a user, an organization). */
export type ClerkObjectKind<Row extends { deleted_at: Date | null }, ClerkObject> = {
  /** For messages: "user", "organization". */
  what: string;
  /** Clerk's id shape, checked before the id reaches a query or a Backend API URL. */
  idShape: z.ZodType<string>;
  /** The refusal meaning "Clerk has no such id" (remembered for a minute by the lookup). */
  notInClerkCode: AppErrorCode;
  find(db: Db, id: string): Promise<Row | undefined>;
  /** The Backend API call; its answer's `raw` is Clerk's JSON. */
  fetchFromClerk(clerk: ClerkClient, id: string): Promise<{ raw: unknown }>;
  /** The object's one parser (@repo/clerk). */
  parse(raw: unknown): ParseResult<ClerkObject>;
  /** Stores it through the same guarded upsert as its webhook. */
  store(db: Db, clerkObject: ClerkObject): Promise<unknown>;
  /** A refusal of Clerk's the caller can be told about, other than its 404. */
  refusal?(error: unknown): AppError | undefined;
  /** What the caller is told when the stored row is a tombstone. */
  deleted(): AppError;
};

/**
 * `ensure(id)`: the live row for a Clerk id the session named; fetched from Clerk and stored first when its
 * webhook has not arrived yet (right after sign-up, or after someone creates an organization, the browser
 * asks before Clerk's webhook has reached us). The session is verified, so Clerk is asked and the answer is
 * stored through the webhook's upsert, whose version guard keeps a later, older webhook from rolling it
 * back. A tombstone is refused with `deleted()`.
 */
export function createClerkDirectory<Row extends { deleted_at: Date | null }, ClerkObject>(
  deps: ClerkDirectoryDeps,
  kind: ClerkObjectKind<Row, ClerkObject>,
): (id: string) => Promise<Row> {
  const lookUpInClerk = createJustInTimeLookup({
    fetchAndStore: (id) => fetchAndStoreFromClerk(deps, kind, id),
    notInClerkCode: kind.notInClerkCode,
  });
  return async (id) => {
    requireClerkId(kind.idShape, id);
    const row = (await kind.find(deps.db, id)) ?? (await lookUpInClerk(id));
    if (row.deleted_at) throw kind.deleted();
    return row;
  };
}

async function fetchAndStoreFromClerk<Row extends { deleted_at: Date | null }, ClerkObject>(
  deps: ClerkDirectoryDeps,
  kind: ClerkObjectKind<Row, ClerkObject>,
  id: string,
): Promise<Row> {
  // A request that missed the row just before another request's lookup stored it and finished would
  // otherwise start a second lookup: the row is there now, so Clerk is not asked again.
  const storedMeanwhile = await kind.find(deps.db, id);
  if (storedMeanwhile) return storedMeanwhile;
  const clerk = deps.clerk;
  if (!clerk) throw clerkNotConfigured(kind.what);
  const answer = await askClerkWithin(() => kind.fetchFromClerk(clerk, id), {
    timeoutMs: deps.clerkLookupTimeoutMs ?? CLERK_LOOKUP_TIMEOUT_MS,
    lookingUp: id,
    notFound: () => new AppError(kind.notInClerkCode, `Clerk has no ${kind.what} ${id}`),
    refusal: kind.refusal,
  });
  await kind.store(deps.db, requireValidClerkAnswer(kind.parse(answer.raw), kind.what));
  const stored = await kind.find(deps.db, id);
  if (!stored) throw new Error(`The ${kind.what} ${id} vanished right after it was stored`);
  return stored;
}
