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
import { runReconciliation } from "./run-reconciliation.ts";
import { DEFAULT_TOMBSTONE_LIMIT, describeTombstoneLimit } from "./tombstone-limit.ts";

// `pnpm clerk:backfill` (alias `pnpm users:backfill`): the reconciliation without Inngest, for a first install or an app that has
// not wired Inngest yet. Reads its settings like the server does (.env in development only).

const HELP = `Usage: pnpm clerk:backfill [--allow-mass-tombstone]   (alias: pnpm users:backfill)

Makes the users, organizations and organization_memberships tables equal to Clerk
(CLERK_SECRET_KEY), as the reconcile-users Inngest function does: writes everything Clerk lists,
then tombstones what Clerk no longer has.

  --allow-mass-tombstone  tombstone even when the users (or organizations) missing from Clerk are
                          ${describeTombstoneLimit(DEFAULT_TOMBSTONE_LIMIT)}.
                          Without it such a run tombstones nobody and stops: the usual cause is a
                          CLERK_SECRET_KEY of another Clerk instance (development vs production keys).
  -h, --help              show this help`;

// Said in one line when Clerk has organizations off (a new instance does): the run still succeeds.
const ORGANIZATIONS_OFF =
  "Organizations are turned off in this Clerk instance: organizations and memberships were left as they are " +
  "(turn them on in the Clerk dashboard to sync them).";

try {
  const { values } = parseArgs({
    options: { "allow-mass-tombstone": { type: "boolean", default: false }, help: { type: "boolean", short: "h" } },
  });
  if (values.help) console.log(HELP);
  else await main({ allowMassTombstone: values["allow-mass-tombstone"] });
} catch (error) {
  const isUsageError = (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS") ?? false;
  console.error(`clerk:backfill failed: ${error instanceof Error ? error.message : String(error)}`);
  if (isUsageError) console.error(HELP);
  process.exitCode = 1;
}

async function main(options: { allowMassTombstone: boolean }) {
  const env = readBackfillEnv(readSettingsSource());
  const dbConfig = dbConfigFromEnv(env);
  const db = await createDb(dbConfig);
  try {
    await migrateToLatest(db);
    const previous = await findLatestReconciliationRun(db);
    console.log(`Database: ${describeDb(dbConfig)}`);
    console.log(`Last reconciliation: ${previous ? describeRun(previous) : "never"}`);

    const clerk = createClerkClient({ secretKey: env.clerkSecretKey, apiUrl: env.clerkApiUrl });
    const bar = process.stdout.isTTY
      ? new SingleBar({
          format: "Listing Clerk users {bar} {value}/{total} listed | {created} new | {updated} updated",
        })
      : undefined;
    bar?.start(0, 0, { created: 0, updated: 0 });
    const report = await runReconciliation(
      { db, clerk },
      {
        trigger: "command",
        allowMassTombstone: options.allowMassTombstone,
        onProgress: (counts, totalInClerk) => {
          bar?.setTotal(Math.max(totalInClerk, counts.listed));
          bar?.update(counts.listed, counts);
        },
      },
    ).finally(() => bar?.stop());
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
  } finally {
    await db.destroy();
  }
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
  const when = run.started_at.toISOString();
  if (run.status !== "succeeded") return `${when}, ${run.status}${run.error ? `: ${run.error}` : ""}`;
  return `${when}, ${run.created} created, ${run.updated} updated, ${run.unchanged} unchanged, ${run.tombstoned} tombstoned`;
}
