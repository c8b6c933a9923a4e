import { z } from "zod";

/**
 * Clerk's `UserJSON` (the `data` of `user.created` / `user.updated` webhooks, and `raw` on the Backend
 * API's User) as far as this app reads it. Unknown fields pass through untouched: Clerk adds fields
 * often, and a new one must never make a valid event fail.
 *
 * No transforms here: Inngest validates events with this schema and requires input and output types
 * to match. Clerk sends null for absent values; `nullish` also accepts a field left out.
 */

/**
 * Milliseconds since 1970, up to the end of year 9999: later instants are written with a six-digit
 * year (`+010000-01-01T…`) that Postgres cannot read, and beyond 8.64e15 are no Date at all.
 */
const LAST_MILLISECOND_OF_9999 = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
const epochMillis = z.number().int().nonnegative().max(LAST_MILLISECOND_OF_9999);

/**
 * Strings Postgres cannot store as they are: it refuses NUL (U+0000) in text and in jsonb, refuses a
 * lone UTF-16 surrogate in jsonb, and would store one in text as U+FFFD. Such a user would make its
 * write fail on every retry, so the parser refuses it: the webhook answers 400 and an Inngest event
 * fails at once (EventValidationError), each naming the field.
 */
// With the u flag a well-formed surrogate pair reads as one code point, so only a lone half matches.
const loneSurrogate = /\p{Cs}/u;
function describeUnstorableText(text: string): string | undefined {
  if (text.includes("\u0000")) return "contains a NUL character (U+0000), which Postgres cannot store";
  if (loneSurrogate.test(text)) return "contains a lone UTF-16 surrogate, which is not valid Unicode";
  return undefined;
}
const storableString = z.string().superRefine((value, ctx) => {
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
const storableMetadata = z.record(z.string(), z.unknown()).superRefine((metadata, ctx) => {
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
 * The id and the email address are indexed, and Postgres refuses an index entry over 2,704 bytes:
 * these bounds (4 bytes a character at most) keep far below it. Clerk's ids are about 32 characters,
 * and an email address has at most 254.
 */
const clerkId = storableString.min(1).max(255);
const emailAddress = storableString.min(1).max(320);

export const clerkEmailAddressSchema = z.looseObject({
  id: clerkId,
  email_address: emailAddress,
});

export const clerkUserJsonSchema = z
  .looseObject({
    id: clerkId,
    object: z.literal("user").optional(),
    email_addresses: z.array(clerkEmailAddressSchema),
    primary_email_address_id: storableString.nullish(),
    username: storableString.nullish(),
    first_name: storableString.nullish(),
    last_name: storableString.nullish(),
    image_url: storableString.nullish(),
    public_metadata: storableMetadata.nullish(),
    created_at: epochMillis,
    updated_at: epochMillis,
    last_sign_in_at: epochMillis.nullish(),
  })
  .superRefine((user, ctx) => {
    const primaryId = user.primary_email_address_id;
    if (primaryId && !user.email_addresses.some((address) => address.id === primaryId)) {
      ctx.addIssue({
        code: "custom",
        path: ["primary_email_address_id"],
        message: `names ${primaryId}, which is not in email_addresses`,
      });
    }
  });

export type ClerkUserJson = z.infer<typeof clerkUserJsonSchema>;

/** The `data` of Clerk's `user.deleted` webhook: `{ id, object: "user", deleted: true }`. */
export const clerkDeletedUserSchema = z.looseObject({
  id: clerkId,
  object: z.literal("user").optional(),
  deleted: z.literal(true),
});

export type ClerkDeletedUser = z.infer<typeof clerkDeletedUserSchema>;

/** The columns a Clerk sync owns. App-owned columns (display name, bio) are deliberately absent. */
export type UserSyncRow = {
  id: string;
  email: string | null;
  username: string | null;
  first_name: string | null;
  last_name: string | null;
  image_url: string | null;
  public_metadata: string;
  clerk_created_at: Date;
  clerk_updated_at: Date;
  last_sign_in_at: Date | null;
};

/** Maps a validated Clerk user to the columns a sync writes. */
export function userSyncRowFromClerk(user: ClerkUserJson): UserSyncRow {
  return {
    id: user.id,
    email: primaryEmailOf(user),
    username: user.username ?? null,
    first_name: user.first_name ?? null,
    last_name: user.last_name ?? null,
    image_url: user.image_url ?? null,
    public_metadata: JSON.stringify(user.public_metadata ?? {}),
    clerk_created_at: new Date(user.created_at),
    clerk_updated_at: new Date(user.updated_at),
    last_sign_in_at: user.last_sign_in_at == null ? null : new Date(user.last_sign_in_at),
  };
}

/** The address Clerk marks primary. Not `email_addresses[0]`: Clerk does not order the list that way. */
export function primaryEmailOf(user: Pick<ClerkUserJson, "email_addresses" | "primary_email_address_id">) {
  if (!user.primary_email_address_id) return null;
  return user.email_addresses.find((a) => a.id === user.primary_email_address_id)?.email_address ?? null;
}

/**
 * One row per user, the newest by Clerk's `updated_at`. A batch upsert may not touch a row twice, and
 * the older duplicate would lose to the stale guard anyway.
 */
export function newestPerUser(rows: readonly UserSyncRow[]): UserSyncRow[] {
  const newest = new Map<string, UserSyncRow>();
  for (const row of rows) {
    const seen = newest.get(row.id);
    if (!seen || seen.clerk_updated_at < row.clerk_updated_at) newest.set(row.id, row);
  }
  return [...newest.values()];
}

/** Parses an unknown value as a Clerk user, with an error that names the offending field. */
export function parseClerkUser(value: unknown): ClerkUserJson {
  const result = clerkUserJsonSchema.safeParse(value);
  if (!result.success) throw new Error(`Invalid Clerk user: ${describeIssues(result.error.issues)}`);
  return result.data;
}

export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues.map((issue) => `${issue.path.join(".") || "value"}: ${issue.message}`).join("; ");
}
