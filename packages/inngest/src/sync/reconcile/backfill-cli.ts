import { parseArgs } from "node:util";
import { createClerkClient } from "@clerk/backend";
import { createDb, dbConfigFromEnv, describeDb } from "@repo/db/client";
import { migrateToLatest } from "@repo/db/migrate";
import {
  findLatestReconciliationRun,
  type ReconciliationCounts,
  type ReconciliationRun,
  type SkippedObject,
} from "@repo/db/reconciliation-runs";
import { readSettingsSource } from "@repo/settings/source";
import { SingleBar } from "cli-progress";
import { readBackfillEnv } from "../../env.ts";
import { clerkPaceFor, createClerkPacer } from "./clerk-requests.ts";
import type { ReconcileDeps } from "./reconcile-steps.ts";
import { runIncrementalReconciliation, runReconciliation } from "./run-reconciliation.ts";
import { DEFAULT_TOMBSTONE_LIMIT, describeTombstoneLimit } from "./tombstone-limit.ts";

// `pnpm clerk:backfill` (alias `pnpm users:backfill`): the reconciliation without Inngest, for a first install or an app that has
// not wired Inngest yet. Reads its settings like the server does (.env in development only).

const HELP = `Usage: pnpm clerk:backfill [--incremental | --allow-mass-tombstone]   (alias: pnpm users:backfill)

Makes the users, organizations and organization_memberships tables equal to Clerk
(CLERK_SECRET_KEY), as the reconcile-users Inngest function does: writes everything Clerk lists,
then tombstones what Clerk no longer has.

  --incremental           only the users Clerk changed since the last successful run, as the
                          reconcile-users-incremental Inngest function does: one request when
                          nothing changed, nothing tombstoned (skipped while a full run is going).
  --allow-mass-tombstone  tombstone even when the users (or organizations) missing from Clerk are
                          ${describeTombstoneLimit(DEFAULT_TOMBSTONE_LIMIT)}.
                          Without it such a run tombstones nobody and stops: the usual cause is a
                          CLERK_SECRET_KEY of another Clerk instance (development vs production keys).
  -h, --help              show this help`;

/** A command line that cannot be run as given: said with the usage. */
class UsageError extends Error {}

// Said in one line when Clerk has organizations off (a new instance does): the run still succeeds.
const ORGANIZATIONS_OFF =
  "Organizations are turned off in this Clerk instance: organizations and memberships were left as they are " +
  "(turn them on in the Clerk dashboard to sync them).";

try {
  const { values } = parseArgs({
    options: {
      incremental: { type: "boolean", default: false },
      "allow-mass-tombstone": { type: "boolean", default: false },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) console.log(HELP);
  else if (values.incremental && values["allow-mass-tombstone"])
    throw new UsageError("--allow-mass-tombstone goes with a full run: an incremental one tombstones nothing");
  else if (values.incremental) await withDatabaseAndClerk(runIncremental);
  else await withDatabaseAndClerk((deps) => runFull(deps, { allowMassTombstone: values["allow-mass-tombstone"] }));
} catch (error) {
  const isUsageError =
    error instanceof UsageError || ((error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS") ?? false);
  console.error(`clerk:backfill failed: ${error instanceof Error ? error.message : String(error)}`);
  if (isUsageError) console.error(HELP);
  process.exitCode = 1;
}

async function withDatabaseAndClerk(work: (deps: ReconcileDeps) => Promise<void>) {
  const env = readBackfillEnv(readSettingsSource());
  const dbConfig = dbConfigFromEnv(env);
  const db = await createDb(dbConfig);
  try {
    await migrateToLatest(db);
    const previous = await findLatestReconciliationRun(db);
    console.log(`Database: ${describeDb(dbConfig)}`);
    console.log(`Last reconciliation: ${previous ? describeRun(previous) : "never"}`);
    await work({
      db,
      clerk: createClerkClient({ secretKey: env.clerkSecretKey, apiUrl: env.clerkApiUrl }),
      pace: createClerkPacer(clerkPaceFor(env.clerkSecretKey, env.paceOverrides)),
    });
  } finally {
    await db.destroy();
  }
}

async function runIncremental(deps: ReconcileDeps) {
  const report = await runIncrementalReconciliation(deps, { trigger: "command" });
  if (!report) {
    console.log("Skipped: a reconciliation is already running (it reads Clerk's changes too).");
    return;
  }
  const since = report.since ? `since ${report.since.toISOString()}` : "since the start (no run had succeeded)";
  if (report.skipped.length > 0) console.log(describeSkipped(report.skipped));
  if (report.error !== undefined) console.log(report.error);
  console.log(`Done in ${report.seconds.toFixed(1)} s: users changed ${since}: ${describeCounts(report.counts)}.`);
}

async function runFull(deps: ReconcileDeps, options: { allowMassTombstone: boolean }) {
  const bar = process.stdout.isTTY
    ? new SingleBar({
        format: "Listing Clerk users {bar} {value}/{total} listed | {created} new | {updated} updated",
      })
    : undefined;
  bar?.start(0, 0, { created: 0, updated: 0 });
  const report = await runReconciliation(deps, {
    trigger: "command",
    allowMassTombstone: options.allowMassTombstone,
    onProgress: (counts, totalInClerk) => {
      bar?.setTotal(Math.max(totalInClerk, counts.listed));
      bar?.update(counts.listed, counts);
    },
  }).finally(() => bar?.stop());
  const summary = [
    `users ${describeCounts(report.counts)}`,
    ...(report.organizationsEnabled
      ? [
          `organizations ${describeCounts(report.organizationCounts)}`,
          `memberships ${describeCounts(report.membershipCounts)}`,
        ]
      : []),
  ].join("; ");
  if (!report.organizationsEnabled) console.log(ORGANIZATIONS_OFF);
  if (report.skipped.length > 0) console.log(describeSkipped(report.skipped));
  if (report.status === "stopped") {
    console.error(`${report.tombstoneCheck.stopReason}\nWritten before the stop: ${summary}.`);
    process.exitCode = 1;
  } else console.log(`Done in ${report.seconds.toFixed(1)} s: ${summary}.`);
}

function describeCounts(counts: ReconciliationCounts): string {
  return (
    `${counts.created} created, ${counts.updated} updated, ${counts.unchanged} unchanged, ` +
    `${counts.tombstoned} tombstoned (${counts.listed} listed in Clerk)`
  );
}

function describeSkipped(skipped: readonly SkippedObject[]): string {
  const shown = skipped.slice(0, 10).map((user) => `  ${user.id}: ${user.reason}`);
  const more = skipped.length > shown.length ? [`  ... and ${skipped.length - shown.length} more`] : [];
  return [
    `Skipped ${skipped.length} user(s), organization(s) or membership(s) that cannot be stored, left as they were:`,
    ...shown,
    ...more,
  ].join("\n");
}

function describeRun(run: ReconciliationRun): string {
  const when = `${run.started_at.toISOString()} (${run.kind})`;
  if (run.status !== "succeeded") return `${when}, ${run.status}${run.error ? `: ${run.error}` : ""}`;
  return `${when}, ${run.created} created, ${run.updated} updated, ${run.unchanged} unchanged, ${run.tombstoned} tombstoned`;
}
