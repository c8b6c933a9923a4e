import { readSettingsSource } from "@repo/settings/source";
import { createDb, dbConfigFromEnv, describeDb } from "./client.ts";
import { readDbEnv } from "./env.ts";
import { migrateToLatest } from "./migrate.ts";

// The same settings the server reads: in development .env may name the Postgres to migrate.
const env = readDbEnv(readSettingsSource());
// A migration may rewrite a large table: the statement timeout sized for requests must not cancel it
// halfway. The connect timeout still applies, so an unreachable database fails the release step quickly.
const config = dbConfigFromEnv({ ...env, postgresTimeouts: { ...env.postgresTimeouts, statementTimeoutMs: 0 } });
const db = await createDb(config);
try {
  const { applied } = await migrateToLatest(db);
  console.log(
    applied.length
      ? `Applied ${applied.length} migration(s) to ${describeDb(config)}: ${applied.join(", ")}`
      : `${describeDb(config)} is up to date`,
  );
} finally {
  await db.destroy();
}
