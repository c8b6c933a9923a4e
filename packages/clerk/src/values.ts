import { z } from "zod";

/**
 * The value types every Clerk object's parser is built from. They refuse, at the door, what Postgres
 * would refuse later: such a value would make its write fail on every retry, so the webhook answers
 * 400 and an Inngest event fails at once (EventValidationError), each naming the field.
 *
 * No transforms here: Inngest validates events with these schemas and requires input and output types
 * to match.
 */

/**
 * Milliseconds since 1970, up to the end of year 9999: later instants are written with a six-digit
 * year (`+010000-01-01T…`) that Postgres cannot read, and beyond 8.64e15 are no Date at all.
 */
const LAST_MILLISECOND_OF_9999 = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
export const epochMillis = z.number().int().nonnegative().max(LAST_MILLISECOND_OF_9999);

/**
 * Strings Postgres cannot store as they are: it refuses NUL (U+0000) in text and in jsonb, refuses a
 * lone UTF-16 surrogate in jsonb, and would store one in text as U+FFFD.
 */
// With the u flag a well-formed surrogate pair reads as one code point, so only a lone half matches.
const loneSurrogate = /\p{Cs}/u;
function describeUnstorableText(text: string): string | undefined {
  if (text.includes("\u0000")) return "contains a NUL character (U+0000), which Postgres cannot store";
  if (loneSurrogate.test(text)) return "contains a lone UTF-16 surrogate, which is not valid Unicode";
  return undefined;
}
export const storableString = z.string().superRefine((value, ctx) => {
  const problem = describeUnstorableText(value);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

/**
 * Deeper than any real metadata, and far below what JSON.stringify (a few thousand levels) and
 * Postgres' jsonb parser can take.
 */
const MAX_METADATA_DEPTH = 64;

/**
 * public_metadata as jsonb can store it: no NUL or lone surrogate in any key or string, and nested at
 * most MAX_METADATA_DEPTH levels. Walked with an explicit stack, so a hostile nesting cannot overflow
 * the call stack here either.
 */
export const storableMetadata = z.record(z.string(), z.unknown()).superRefine((metadata, ctx) => {
  const pending: Array<{ value: unknown; path: PropertyKey[] }> = [{ value: metadata, path: [] }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const { value, path } = next;
    if (path.length > MAX_METADATA_DEPTH) {
      ctx.addIssue({ code: "custom", path, message: `is nested more than ${MAX_METADATA_DEPTH} levels deep` });
      return;
    }
    const problem = typeof value === "string" ? describeUnstorableText(value) : undefined;
    if (problem) {
      ctx.addIssue({ code: "custom", path, message: problem });
      return;
    }
    if (typeof value !== "object" || value === null) continue;
    for (const [key, item] of Object.entries(value)) {
      const keyProblem = describeUnstorableText(key);
      if (keyProblem) {
        ctx.addIssue({ code: "custom", path, message: `has a key that ${keyProblem}` });
        return;
      }
      pending.push({ value: item, path: [...path, Array.isArray(value) ? Number(key) : key] });
    }
  }
});

/**
 * An id this app only compares and never sends anywhere (an email address's `idn_…`). Ids are indexed,
 * and Postgres refuses an index entry over 2,704 bytes: this bound (4 bytes a character at most) keeps far
 * below it. The ids that reach URLs, queries and event ids are held to Clerk's shapes (ids.ts).
 */
export const clerkId = storableString.min(1).max(255);

/**
 * The `data` of Clerk's `<object>.deleted` webhook: `{ id, object: "<object>", deleted: true }`, and no
 * more (Clerk sends the deleted object's id only).
 */
export function deletedClerkObjectSchema<const O extends string>(object: O, id: z.ZodString) {
  return z.looseObject({ id, object: z.literal(object).optional(), deleted: z.literal(true) });
}
