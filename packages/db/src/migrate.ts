import { Migrator } from "kysely/migration";
import type { Db } from "./client.ts";
import { migrations } from "./migrations/index.ts";

export type MigrationOutcome = { applied: string[] };

/**
 * Brings the schema to the latest migration. Safe to run twice (applied migrations are skipped) and
 * from several processes at once (Kysely's Migrator holds a Postgres advisory lock while it works).
 */
export async function migrateToLatest(db: Db): Promise<MigrationOutcome> {
  const { error, results = [] } = await createMigrator(db).migrateToLatest();
  const failed = results.find((result) => result.status === "Error");
  if (error || failed) {
    const name = failed ? ` "${failed.migrationName}"` : "";
    throw new Error(`Migration${name} failed: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  return { applied: results.filter((r) => r.status === "Success").map((r) => r.migrationName) };
}

/**
 * The migrations this build knows and the database has not applied, in the order they would run. Only
 * reads: a database that was never migrated gets no tables from asking.
 */
export async function findPendingMigrations(db: Db): Promise<string[]> {
  const known = await createMigrator(db).getMigrations();
  return known.filter((migration) => migration.executedAt === undefined).map((migration) => migration.name);
}

function createMigrator(db: Db): Migrator {
  return new Migrator({ db, provider: { getMigrations: async () => migrations } });
}
