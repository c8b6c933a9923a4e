import { Migrator } from "kysely/migration";
import type { Db } from "./client.ts";
import { migrations } from "./migrations/index.ts";

export type MigrationOutcome = { applied: string[] };

/**
 * Brings the schema to the latest migration. Safe to run twice (applied migrations are skipped) and
 * from several processes at once (Kysely's Migrator holds a Postgres advisory lock while it works).
 */
export async function migrateToLatest(db: Db): Promise<MigrationOutcome> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results = [] } = await migrator.migrateToLatest();
  const failed = results.find((result) => result.status === "Error");
  if (error || failed) {
    const name = failed ? ` "${failed.migrationName}"` : "";
    throw new Error(`Migration${name} failed: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  return { applied: results.filter((r) => r.status === "Success").map((r) => r.migrationName) };
}
