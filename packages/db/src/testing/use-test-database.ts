import { afterAll, beforeAll, beforeEach } from "vitest";
import { openTestDatabase, type TestDatabase, type TestDatabaseKind, truncateAll } from "./test-databases.ts";

/** A suite's database, readable from the suite's beforeAll hooks to its afterAll hooks. */
export type SuiteDatabase = Pick<TestDatabase, "kind" | "db" | "databaseUrl">;

/**
 * Gives the enclosing describe block a database of its own: opened and migrated once, before its first
 * test (PGlite's boot and Postgres' create database are too slow to repeat per test), emptied before each
 * test, and closed (a Postgres one dropped) after its last.
 *
 * Hooks rather than a `test.extend` fixture, because Vitest 4.1's scoped fixtures do not fit a
 * `describe.each` over the kinds: a file-scoped fixture may be declared only at a file's top level, where
 * it cannot know a suite's kind, and its one value serves every suite of the file, so a pglite and a
 * postgres suite would share a database; a test-scoped fixture would open a database per test and cannot
 * be read in the beforeAll hooks that build the code under test over the database.
 */
export function useTestDatabase(kind: TestDatabaseKind): SuiteDatabase {
  let opened: TestDatabase | undefined;
  const current = (): TestDatabase => {
    if (!opened)
      throw new Error(
        `The ${kind} test database is open from the suite's beforeAll hooks to its afterAll hooks: read it inside a hook or a test`,
      );
    return opened;
  };
  beforeAll(async () => {
    opened = await openTestDatabase(kind);
  });
  afterAll(async () => {
    // Undefined when opening failed: that error is the one to report.
    await opened?.close();
    opened = undefined;
  });
  beforeEach(async () => {
    await truncateAll(current().db);
  });
  return {
    kind,
    get db() {
      return current().db;
    },
    get databaseUrl() {
      return current().databaseUrl;
    },
  };
}
