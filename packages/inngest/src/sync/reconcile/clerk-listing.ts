import type { ParseResult } from "@repo/clerk/parse-result";
import type { SkippedObject } from "@repo/db/reconciliation-runs";
import type { z } from "zod";

/** A Backend API list as @clerk/backend hands it over: each object with Clerk's JSON as `raw`. */
export type ClerkPage = { data: readonly { id: string; raw: unknown }[]; totalCount: number };

/** How to read one kind of Clerk object out of a list. */
export type ClerkObjectReader<T> = {
  /** The object in words, for the reason a skipped one is recorded with. */
  noun: string;
  parse: (value: unknown) => ParseResult<T>;
  /** The shape of the kind's ids: an id outside it cannot be in our tables. */
  idShape: z.ZodType<string>;
};

/** Objects of one kind as Clerk returned them: the ones we can store, and the ones we cannot. */
export type ClerkListing<T> = {
  /** Valid objects, to be written. */
  valid: T[];
  /**
   * Objects that are not valid or that Postgres cannot store (a NUL in a name). Each is left as it is
   * and named in the run's record, so that one bad object does not fail its page on every retry.
   */
  skipped: SkippedObject[];
  /**
   * The id of every object Clerk returned, skipped ones included: they all still exist in Clerk, so none
   * may be tombstoned. Only an id that itself cannot be stored is left out (no row can have it).
   */
  ids: string[];
  /** How many Clerk returned: a page shorter than asked for is the last one. */
  returned: number;
  totalCount: number;
};

/** One page of a Clerk list, read with the kind's parser: the one reading every kind shares. */
export function parseListing<T>(page: ClerkPage, reader: ClerkObjectReader<T>): ClerkListing<T> {
  const listing: ClerkListing<T> = {
    valid: [],
    skipped: [],
    ids: [],
    returned: page.data.length,
    totalCount: page.totalCount,
  };
  for (const item of page.data) {
    const parsed = reader.parse(item.raw);
    if (parsed.success) listing.valid.push(parsed.data);
    else listing.skipped.push({ id: item.id, reason: `invalid ${reader.noun}: ${parsed.reason}` });
    // An id not in Clerk's shape cannot be in our tables either, and would fail any query naming it.
    if (parsed.success || reader.idShape.safeParse(item.id).success) listing.ids.push(item.id);
  }
  return listing;
}
