import {
  addCounts,
  emptyCounts,
  finishReconciliationRun,
  type ReconciliationCounts,
  type SkippedObject,
} from "@repo/db/reconciliation-runs";
import { CLERK_PAGE_SIZE } from "./clerk-requests.ts";
import {
  FIRST_MEMBERSHIP_CURSOR,
  isOrganizationsOff,
  type MembershipCandidateCursor,
  type MembershipCursor,
  type MembershipTombstoneBatch,
  reconcileMembershipPages,
  tombstoneUnlistedMembershipsBatch,
  unlessOrganizationsOff,
} from "./reconcile-membership-steps.ts";
import {
  checkTombstoneLimit,
  type ReconcileDeps,
  type RunRef,
  reconcileListPage,
  type TombstoneVerdict,
  tombstoneUnlistedBatch,
} from "./reconcile-steps.ts";
import { ORGANIZATIONS, USERS } from "./reconciled-kinds.ts";
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
  skipped: SkippedObject[];
  tombstoneCheck: TombstoneVerdict;
  /**
   * False when Clerk said the instance has organizations turned off: users were reconciled as usual,
   * organizations and memberships were left as they were (none listed, none tombstoned).
   */
  organizationsEnabled: boolean;
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
  "counts" | "organizationCounts" | "membershipCounts" | "skipped" | "organizationsEnabled"
>;

/** Where the totals keep each kind's counts. */
type CountsOf = "counts" | "organizationCounts" | "membershipCounts";

/**
 * The one reconciliation, shared by the Inngest function and `pnpm clerk:backfill`: list users, then
 * organizations, then each listed organization's memberships, a page (or a bounded run of small pages)
 * per unit; only once all of that succeeded, check the tombstone limit, then tombstone what Clerk no
 * longer has, each candidate confirmed by id first: users, organizations (with their memberships), then
 * the memberships left. Finishes the run's row; a failure is recorded by the caller.
 *
 * Organizations are off by default in a new Clerk instance, and then every organization endpoint answers
 * 403 `organization_not_enabled_in_instance`. That is a set-up, not a failure: from the first such
 * answer on, the organization work is skipped (nothing of it tombstoned, since an empty answer proves
 * nothing), the users' is done in full, and the run succeeds, recording that organizations are off.
 */
export async function driveReconciliation(
  deps: ReconcileDeps,
  run: RunRef,
  step: RunStep,
  options: DriveOptions,
): Promise<ReconciliationOutcome> {
  const totals: ReconciliationTotals = {
    counts: emptyCounts(),
    organizationCounts: emptyCounts(),
    membershipCounts: emptyCounts(),
    skipped: [],
    organizationsEnabled: true,
  };
  let totalInClerk = 0;
  const reportTotals = () => options.onTotals?.({ ...totals });
  /** Adds what one unit did to its kind's counts (`users` are `counts`) and the run's skipped objects. */
  const addUnit = (of: CountsOf, counts: Partial<ReconciliationCounts>, skipped: readonly SkippedObject[]) => {
    totals[of] = addCounts(totals[of], counts);
    totals.skipped = [...totals.skipped, ...skipped];
    reportTotals();
  };
  /**
   * A unit of the organizations' or memberships' work: undefined when Clerk answered that organizations
   * are off, which ends that work for the rest of the run (see above).
   */
  const organizationUnit = async <T extends object>(name: string, work: () => Promise<T>): Promise<T | undefined> => {
    const result = await step(name, () => unlessOrganizationsOff(work));
    if (!isOrganizationsOff(result)) return result;
    totals.organizationsEnabled = false;
    reportTotals();
    return undefined;
  };

  for (let offset = 0; ; offset += CLERK_PAGE_SIZE) {
    const page = await step(`${USERS.steps.listPage}-${offset}`, () =>
      reconcileListPage(deps, USERS, offset, run.startedAt),
    );
    totalInClerk = page.totalInClerk;
    addUnit("counts", page, page.skipped);
    options.onProgress?.(totals.counts, totalInClerk);
    if (page.isLastPage) break;
  }
  for (let offset = 0; ; offset += CLERK_PAGE_SIZE) {
    const page = await organizationUnit(`${ORGANIZATIONS.steps.listPage}-${offset}`, () =>
      reconcileListPage(deps, ORGANIZATIONS, offset, run.startedAt),
    );
    if (page === undefined) break;
    addUnit("organizationCounts", page, page.skipped);
    if (page.isLastPage) break;
  }
  for (let unit = 0, cursor = totals.organizationsEnabled ? FIRST_MEMBERSHIP_CURSOR : null; cursor !== null; unit++) {
    const from: MembershipCursor = cursor;
    const pages = await organizationUnit(`reconcile-memberships-${unit}`, () =>
      reconcileMembershipPages(deps, from, run.startedAt),
    );
    if (pages === undefined) break;
    addUnit("membershipCounts", pages, pages.skipped);
    cursor = pages.next;
  }

  const tombstoneCheck = await step("check-tombstone-limit", () =>
    checkTombstoneLimit(deps.db, run, { ...options, organizationsEnabled: totals.organizationsEnabled }),
  );
  const finish = async (status: ReconciliationOutcome["status"]): Promise<ReconciliationOutcome> => {
    const error = tombstoneCheck.stopReason;
    await step("finish-run", () =>
      finishReconciliationRun(deps.db, run.id, { status, ...totals, ...(error === undefined ? {} : { error }) }),
    );
    return { status, ...totals, tombstoneCheck };
  };
  if (tombstoneCheck.stopReason !== undefined) return finish("stopped");

  for (let batch = 0, more = true; more; batch++) {
    const result = await step(`${USERS.steps.tombstoneBatch}-${batch}`, () =>
      tombstoneUnlistedBatch(deps, USERS, run.startedAt),
    );
    addUnit("counts", result.counts, result.skipped);
    options.onProgress?.(totals.counts, totalInClerk);
    more = result.hasMore;
  }
  for (let batch = 0, more = totals.organizationsEnabled; more; batch++) {
    const result = await organizationUnit(`${ORGANIZATIONS.steps.tombstoneBatch}-${batch}`, () =>
      tombstoneUnlistedBatch(deps, ORGANIZATIONS, run.startedAt),
    );
    if (result === undefined) break;
    addUnit("organizationCounts", result.counts, result.skipped);
    more = result.hasMore;
  }
  for (let batch = 0, after: MembershipCandidateCursor | null = null; totals.organizationsEnabled; batch++) {
    const from: MembershipCandidateCursor | null = after;
    const result: MembershipTombstoneBatch | undefined = await organizationUnit(
      `tombstone-unlisted-memberships-${batch}`,
      () => tombstoneUnlistedMembershipsBatch(deps, run.startedAt, from),
    );
    if (result === undefined) break;
    addUnit("membershipCounts", result.counts, result.skipped);
    after = result.next;
    if (after === null) break;
  }
  return finish("succeeded");
}
