import type { ClerkClient } from "@clerk/backend";
import type { Db } from "@repo/db/client";
import type { InngestClient } from "../client.ts";
import { createWelcomeWorkflow, type WelcomeWorkflowDeps } from "../emails/welcome-workflow.ts";
import type { SyncBatching } from "../sync/batched-sync.ts";
import {
  createTombstoneClerkMembershipFunction,
  createUpsertClerkMembershipFunction,
} from "../sync/memberships/membership-functions.ts";
import {
  createTombstoneClerkOrganizationFunction,
  createUpsertClerkOrganizationFunction,
} from "../sync/organizations/organization-functions.ts";
import { type ClerkPace, createClerkPacer } from "../sync/reconcile/clerk-requests.ts";
import { createReconcileFunction } from "../sync/reconcile/reconcile-function.ts";
import { createIncrementalReconcileFunction } from "../sync/reconcile/reconcile-incremental-function.ts";
import type { TombstoneLimit } from "../sync/reconcile/tombstone-limit.ts";
import { createTombstoneClerkUserFunction, createUpsertClerkUserFunction } from "../sync/users/user-functions.ts";

export type FunctionDeps = {
  db: Db;
  /** How Inngest batches the sync functions' events; DEFAULT_SYNC_BATCHING by default. */
  syncBatching?: SyncBatching | undefined;
  /** Clerk's Backend API client (needs CLERK_SECRET_KEY). Without it there is no reconciliation. */
  clerk?: ClerkClient | undefined;
  /** Cron schedule of the reconciliation (UTC); daily at 03:00 by default. */
  reconcileSchedule?: string | undefined;
  /** Cron schedule of the incremental reconciliation (every 5 minutes by default); null: on demand only. */
  reconcileIncrementalSchedule?: string | null | undefined;
  /** How fast the reconciliations may ask Clerk (clerkPaceFor); unpaced when not given. */
  reconcileClerkPace?: ClerkPace | undefined;
  /** Above this, a reconciliation stops before tombstoning anyone; DEFAULT_TOMBSTONE_LIMIT by default. */
  reconcileTombstoneLimit?: TombstoneLimit | undefined;
  /** The emails' transport and settings. Without them (no SMTP_URL) there is no welcome workflow. */
  email?: Omit<WelcomeWorkflowDeps, "db"> | undefined;
};

/** Every Inngest function this app serves, bound to its dependencies. */
export function createFunctions(inngest: InngestClient, deps: FunctionDeps) {
  const syncDeps = { db: deps.db, batching: deps.syncBatching };
  const sync = [
    createUpsertClerkUserFunction(inngest, syncDeps),
    createTombstoneClerkUserFunction(inngest, syncDeps),
    createUpsertClerkOrganizationFunction(inngest, syncDeps),
    createTombstoneClerkOrganizationFunction(inngest, syncDeps),
    createUpsertClerkMembershipFunction(inngest, syncDeps),
    createTombstoneClerkMembershipFunction(inngest, syncDeps),
    ...(deps.email ? [createWelcomeWorkflow(inngest, { db: deps.db, ...deps.email })] : []),
  ];
  if (!deps.clerk) return sync;
  const reconcileDeps = {
    db: deps.db,
    clerk: deps.clerk,
    // One pacer for both functions: they ask the same Clerk instance, whose limit they share.
    pace: deps.reconcileClerkPace && createClerkPacer(deps.reconcileClerkPace),
    tombstoneLimit: deps.reconcileTombstoneLimit,
  };
  return [
    ...sync,
    createReconcileFunction(inngest, reconcileDeps, deps.reconcileSchedule),
    createIncrementalReconcileFunction(inngest, reconcileDeps, deps.reconcileIncrementalSchedule),
  ];
}

export { DEFAULT_SYNC_BATCHING, type SyncBatching } from "../sync/batched-sync.ts";
export { DEFAULT_RECONCILE_CRON } from "../sync/reconcile/reconcile-function.ts";
