import {
  addCounts,
  emptyCounts,
  finishReconciliationRun,
  type ReconciliationCounts,
  type SkippedUser,
} from "@repo/db/users";
import { CLERK_PAGE_SIZE } from "./clerk-requests.ts";
import {
  FIRST_MEMBERSHIP_CURSOR,
  type MembershipCandidateCursor,
  type MembershipCursor,
  reconcileMembershipPages,
  reconcileOrganizationPage,
  tombstoneUnlistedMembershipsBatch,
  tombstoneUnlistedOrganizationsBatch,
} from "./reconcile-organization-steps.ts";
import {
  checkTombstoneLimit,
  type ReconcileDeps,
  type RunRef,
  reconcilePage,
  type TombstoneVerdict,
  tombstoneUnlistedBatch,
} from "./reconcile-steps.ts";
import type { TombstoneLimit } from "./tombstone-limit.ts";

/**
 * Runs one unit of work under a name: an Inngest `step.run` (memoized, retried on its own, a 429 waited
 * out through RetryAfterError), or the command line's plain call that sleeps through a 429. Every unit
 * returns plain JSON (numbers, strings, arrays, null), so the step's serialised result is the value itself.
 */
export type RunStep = <T>(name: string, work: () => Promise<T>) => Promise<T>;

export type ReconciliationOutcome = {
  /** `stopped`: it would have tombstoned more than the limit allows, so it tombstoned nothing. */
  status: "succeeded" | "stopped";
  /** Users. */
  counts: ReconciliationCounts;
  organizationCounts: ReconciliationCounts;
  membershipCounts: ReconciliationCounts;
  /** Users, organizations and memberships Clerk returned that could not be stored, with the reason. */
  skipped: SkippedUser[];
  tombstoneCheck: TombstoneVerdict;
};

export type DriveOptions = {
  limit: TombstoneLimit;
  allowMassTombstone: boolean;
  /** Called after each unit of the users' work, with their totals so far and Clerk's user count. */
  onProgress?: ((counts: ReconciliationCounts, totalInClerk: number) => void) | undefined;
  /** Called after every unit with all totals so far: what a caller records if a later unit fails. */
  onTotals?: ((totals: ReconciliationTotals) => void) | undefined;
};

export type ReconciliationTotals = Pick<
  ReconciliationOutcome,
  "counts" | "organizationCounts" | "membershipCounts" | "skipped"
>;

/**
 * The one reconciliation, shared by the Inngest function and `pnpm clerk:backfill`: list users, then
 * organizations, then each listed organization's memberships, a page (or a bounded run of small pages)
 * per unit; only once all of that succeeded, check the tombstone limit, then tombstone what Clerk no
 * longer has, each candidate confirmed by id first: users, organizations (with their memberships), then
 * the memberships left. Finishes the run's row; a failure is recorded by the caller.
 */
export async function driveReconciliation(
  deps: ReconcileDeps,
  run: RunRef,
  step: RunStep,
  options: DriveOptions,
): Promise<ReconciliationOutcome> {
  let counts = emptyCounts();
  let organizationCounts = emptyCounts();
  let membershipCounts = emptyCounts();
  let skipped: SkippedUser[] = [];
  let totalInClerk = 0;
  const reportTotals = () => options.onTotals?.({ counts, organizationCounts, membershipCounts, skipped });

  for (let offset = 0; ; offset += CLERK_PAGE_SIZE) {
    const page = await step(`reconcile-page-${offset}`, () => reconcilePage(deps, offset, run.startedAt));
    counts = addCounts(counts, page);
    skipped = [...skipped, ...page.skipped];
    totalInClerk = page.totalInClerk;
    reportTotals();
    options.onProgress?.(counts, totalInClerk);
    if (page.isLastPage) break;
  }
  for (let offset = 0; ; offset += CLERK_PAGE_SIZE) {
    const page = await step(`reconcile-organizations-page-${offset}`, () =>
      reconcileOrganizationPage(deps, offset, run.startedAt),
    );
    organizationCounts = addCounts(organizationCounts, page);
    skipped = [...skipped, ...page.skipped];
    reportTotals();
    if (page.isLastPage) break;
  }
  for (let unit = 0, cursor: MembershipCursor | null = FIRST_MEMBERSHIP_CURSOR; cursor !== null; unit++) {
    const from: MembershipCursor = cursor;
    const pages = await step(`reconcile-memberships-${unit}`, () =>
      reconcileMembershipPages(deps, from, run.startedAt),
    );
    membershipCounts = addCounts(membershipCounts, pages);
    skipped = [...skipped, ...pages.skipped];
    reportTotals();
    cursor = pages.next;
  }

  const tombstoneCheck = await step("check-tombstone-limit", () => checkTombstoneLimit(deps.db, run, options));
  const finish = async (status: ReconciliationOutcome["status"]): Promise<ReconciliationOutcome> => {
    const error = tombstoneCheck.stopReason;
    await step("finish-run", () =>
      finishReconciliationRun(deps.db, run.id, {
        status,
        counts,
        organizationCounts,
        membershipCounts,
        skippedUsers: skipped,
        ...(error === undefined ? {} : { error }),
      }),
    );
    return { status, counts, organizationCounts, membershipCounts, skipped, tombstoneCheck };
  };
  if (tombstoneCheck.stopReason !== undefined) return finish("stopped");

  for (let batch = 0, more = true; more; batch++) {
    const result = await step(`tombstone-unlisted-${batch}`, () => tombstoneUnlistedBatch(deps, run.startedAt));
    counts = addCounts(counts, result.counts);
    skipped = [...skipped, ...result.skipped];
    reportTotals();
    options.onProgress?.(counts, totalInClerk);
    more = result.hasMore;
  }
  for (let batch = 0, more = true; more; batch++) {
    const result = await step(`tombstone-unlisted-organizations-${batch}`, () =>
      tombstoneUnlistedOrganizationsBatch(deps, run.startedAt),
    );
    organizationCounts = addCounts(organizationCounts, result.counts);
    skipped = [...skipped, ...result.skipped];
    reportTotals();
    more = result.hasMore;
  }
  let after: MembershipCandidateCursor | null = null;
  for (let batch = 0; ; batch++) {
    const from = after;
    const result: Awaited<ReturnType<typeof tombstoneUnlistedMembershipsBatch>> = await step(
      `tombstone-unlisted-memberships-${batch}`,
      () => tombstoneUnlistedMembershipsBatch(deps, run.startedAt, from),
    );
    membershipCounts = addCounts(membershipCounts, result.counts);
    skipped = [...skipped, ...result.skipped];
    after = result.next;
    if (after === null) break;
  }
  return finish("succeeded");
}
