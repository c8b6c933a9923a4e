import { z } from "zod";

/**
 * Clerk's `UserJSON` (the `data` of `user.created` / `user.updated` webhooks, and `raw` on the Backend
 * API's User) as far as this app reads it. Unknown fields pass through untouched: Clerk adds fields
 * often, and a new one must never make a valid event fail.
 *
 * No transforms here: Inngest validates events with this schema and requires input and output types
 * to match. Clerk sends null for absent values; `nullish` also accepts a field left out.
 */
// At most the last instant a JavaScript Date can hold: a later one becomes an Invalid Date, which no
// database column takes.
const epochMillis = z.number().int().nonnegative().max(8_640_000_000_000_000);

export const clerkEmailAddressSchema = z.looseObject({
  id: z.string().min(1),
  email_address: z.string().min(1),
});

export const clerkUserJsonSchema = z
  .looseObject({
    id: z.string().min(1),
    object: z.literal("user").optional(),
    email_addresses: z.array(clerkEmailAddressSchema),
    primary_email_address_id: z.string().nullish(),
    username: z.string().nullish(),
    first_name: z.string().nullish(),
    last_name: z.string().nullish(),
    image_url: z.string().nullish(),
    public_metadata: z.record(z.string(), z.unknown()).nullish(),
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
  })
  .superRefine(refuseUnstorableText);

export type ClerkUserJson = z.infer<typeof clerkUserJsonSchema>;

type StoredClerkFields = Pick<ClerkUserJson, "id" | "email_addresses" | "primary_email_address_id"> &
  Partial<Record<"username" | "first_name" | "last_name" | "image_url" | "public_metadata", unknown>>;

/**
 * Refuses text Postgres cannot keep, in the fields a sync stores: a NUL (U+0000) fails in text and
 * jsonb alike, and a lone UTF-16 surrogate fails in jsonb and is silently replaced in text. Refused
 * here, naming the field, so such a user fails on its own instead of failing the batch it came in.
 */
function refuseUnstorableText(user: StoredClerkFields, ctx: z.RefinementCtx) {
  const primary = user.email_addresses.findIndex((a) => a.id === user.primary_email_address_id);
  const stored: [PropertyKey[], unknown][] = [
    ...(["id", "username", "first_name", "last_name", "image_url"] as const).map((field): [PropertyKey[], unknown] => [
      [field],
      user[field],
    ]),
    [["email_addresses", primary, "email_address"], user.email_addresses[primary]?.email_address],
    [["public_metadata"], user.public_metadata],
  ];
  // Iterative, not recursive: metadata nests as deep as its sender likes.
  for (let next = stored.pop(); next; next = stored.pop()) {
    const [path, value] = next;
    if (typeof value === "string") {
      const problem = describeUnstorableText(value);
      if (problem) ctx.addIssue({ code: "custom", path, message: problem });
    } else if (value !== null && typeof value === "object") {
      for (const [key, child] of Object.entries(value)) {
        const keyProblem = describeUnstorableText(key);
        if (keyProblem) ctx.addIssue({ code: "custom", path, message: `a key ${keyProblem}` });
        stored.push([[...path, key], child]);
      }
    }
  }
}

const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function describeUnstorableText(text: string): string | undefined {
  if (text.includes("\u0000")) return "contains a NUL character (U+0000), which Postgres cannot store";
  if (loneSurrogate.test(text)) return "contains a lone UTF-16 surrogate, which is not valid Unicode";
  return undefined;
}

/** The `data` of Clerk's `user.deleted` webhook: `{ id, object: "user", deleted: true }`. */
export const clerkDeletedUserSchema = z.looseObject({
  id: z.string().min(1),
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
