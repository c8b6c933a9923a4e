import { z } from "zod";

/**
 * How many tombstones a run may write without an explicit override. A tombstone erases a user's
 * personal data for good, and a listing that lacks most users more likely means the wrong Clerk
 * instance than a mass deletion: so a run that would tombstone more than `share` of the live users AND
 * more than `minCount` users tombstones nobody and stops. (`minCount` lets a small app delete a few
 * users without tripping the share.)
 */
export const tombstoneLimitSchema = z.object({
  share: z.number().min(0).max(1),
  minCount: z.number().int().nonnegative(),
});

export type TombstoneLimit = z.infer<typeof tombstoneLimitSchema>;

export const DEFAULT_TOMBSTONE_LIMIT: TombstoneLimit = { share: 0.1, minCount: 10 };

/** Validates a limit given by configuration, with an error that says what is wrong. */
export function parseTombstoneLimit(limit: unknown): TombstoneLimit {
  const result = tombstoneLimitSchema.safeParse(limit);
  if (!result.success) {
    const issues = result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ");
    throw new Error(
      `Invalid reconciliation tombstone limit (${issues}): share is a fraction from 0 to 1, minCount a whole number`,
    );
  }
  return result.data;
}

/**
 * What the check before any tombstone saw of one kind of Clerk object: how many are live, and how many
 * the listing did not see. Users and organizations are each held to the limit on their own: a wrong
 * instance's key lacks most of both, while one deleted organization must not trip it for users.
 */
export type KindCheck = { kind: "users" | "organizations"; live: number; candidates: number };

export function exceedsTombstoneLimit(check: KindCheck, limit: TombstoneLimit): boolean {
  return check.candidates > limit.minCount && check.candidates > limit.share * check.live;
}

const percent = (share: number) => `${Math.round(share * 1000) / 10}%`;

/** The limit in words: "more than 10% of the live users and more than 10 users". */
export function describeTombstoneLimit(limit: TombstoneLimit, kind: KindCheck["kind"] = "users"): string {
  return `more than ${percent(limit.share)} of the live ${kind} and more than ${limit.minCount} ${kind}`;
}

/** What a stopped run records and prints: the numbers, the likely cause, and how to proceed. */
export function describeTombstoneStop(check: KindCheck, limit: TombstoneLimit): string {
  const { kind } = check;
  const list = kind === "users" ? "user list" : "organization list";
  return (
    `Stopped before tombstoning anyone: ${check.candidates} of ${check.live} live ${kind} ` +
    `(${percent(check.candidates / check.live)}) are not in Clerk's ${list}, over the limit of ` +
    `${describeTombstoneLimit(limit, kind)}. CLERK_SECRET_KEY may belong to another Clerk instance ` +
    `(development vs production keys): check it and run again. If these ${kind} really were deleted in ` +
    'Clerk, allow it once: send app/users.reconcile.requested with { "allowMassTombstone": true }, or run ' +
    "pnpm clerk:backfill --allow-mass-tombstone."
  );
}
