export { clerkUserJson } from "./clerk-fixtures.ts";
export {
  countUsers,
  openTestDatabase,
  type TestDatabase,
  type TestDatabaseKind,
  testDatabaseKinds,
  truncateAll,
} from "./test-databases.ts";
