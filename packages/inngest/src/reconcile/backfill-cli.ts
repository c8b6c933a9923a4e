import { fileURLToPath } from "node:url";
import { createClerkClient } from "@clerk/backend";
import { createDb, dbConfigFromEnv, describeDb } from "@repo/db/client";
import { migrateToLatest } from "@repo/db/migrate";
import { findLatestReconciliationRun, type ReconciliationRun } from "@repo/db/users";
import { SingleBar } from "cli-progress";
import { config as loadDotenv } from "dotenv";
import { readBackfillEnv } from "../env.ts";
import { runReconciliation } from "./run-reconciliation.ts";

// `pnpm users:backfill`: the reconciliation without Inngest, for a first install or an app that has
// not wired Inngest yet. Reads the repository's .env like the server does.
loadDotenv({ path: fileURLToPath(new URL("../../../../.env", import.meta.url)), quiet: true });

try {
  await main();
} catch (error) {
  console.error(`users:backfill failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}

async function main() {
  const env = readBackfillEnv();
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
        onProgress: (counts, totalInClerk) => {
          bar?.setTotal(Math.max(totalInClerk, counts.listed));
          bar?.update(counts.listed, counts);
        },
      },
    ).finally(() => bar?.stop());
    const { counts } = report;
    console.log(
      `Done in ${report.seconds.toFixed(1)} s: ${counts.created} created, ${counts.updated} updated, ` +
        `${counts.unchanged} unchanged, ${counts.tombstoned} tombstoned (${counts.listed} listed in Clerk).`,
    );
  } finally {
    await db.destroy();
  }
}

function describeRun(run: ReconciliationRun): string {
  const when = run.started_at.toISOString();
  if (run.status !== "succeeded") return `${when}, ${run.status}${run.error ? `: ${run.error}` : ""}`;
  return `${when}, ${run.created} created, ${run.updated} updated, ${run.unchanged} unchanged, ${run.tombstoned} tombstoned`;
}
