export { type PostgresProxy, startPostgresProxy } from "./postgres-proxy.ts";
export { membershipSyncRow, organizationSyncRow, userSyncRow } from "./sync-rows.ts";
export {
  countUsers,
  openTestDatabase,
  type TestDatabase,
  type TestDatabaseKind,
  testDatabaseKinds,
  truncateAll,
} from "./test-databases.ts";
export { uncaughtErrorsDuring } from "./uncaught-errors.ts";
export { type SuiteDatabase, useTestDatabase } from "./use-test-database.ts";
