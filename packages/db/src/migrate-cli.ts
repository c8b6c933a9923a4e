import { createDb, dbConfigFromEnv, describeDb } from "./client.ts";
import { readDbEnv } from "./env.ts";
import { migrateToLatest } from "./migrate.ts";

const config = dbConfigFromEnv(readDbEnv());
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
