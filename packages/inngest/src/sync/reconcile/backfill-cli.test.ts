import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { clerkUserJson, useClerkApiStub } from "@repo/clerk/testing";
import { userSyncRowFromClerk } from "@repo/clerk/users";
import { createDb, type Db } from "@repo/db/client";
import { migrateToLatest } from "@repo/db/migrate";
import { findLatestReconciliationRun } from "@repo/db/reconciliation-runs";
import { openTestDatabase, type TestDatabase, testDatabaseKinds } from "@repo/db/testing";
import { upsertUsersFromClerk } from "@repo/db/users";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const packageRoot = fileURLToPath(new URL("../../..", import.meta.url));

/** `pnpm users:backfill` as an operator runs it: its own process, settings from the environment. */
async function runBackfill(env: Record<string, string>, args: string[] = []) {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      join(packageRoot, "node_modules/.bin/tsx"),
      ["src/sync/reconcile/backfill-cli.ts", ...args],
      { cwd: packageRoot, env: { ...process.env, ...env } },
    );
    return { exitCode: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout: string; stderr: string };
    return { exitCode: failed.code ?? -1, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/**
 * The command's database: Postgres through DATABASE_URL, or PGlite in a data directory. PGlite allows
 * one process at a time, so the test closes its handle while the command runs.
 */
type CommandDatabase = {
  env: Record<string, string>;
  use<T>(work: (db: Db) => Promise<T>): Promise<T>;
  close(): Promise<void>;
};

async function openCommandDatabase(kind: "pglite" | "postgres"): Promise<CommandDatabase> {
  if (kind === "postgres") {
    const t: TestDatabase = await openTestDatabase("postgres");
    return { env: { DATABASE_URL: t.databaseUrl ?? "" }, use: (work) => work(t.db), close: () => t.close() };
  }
  const dataDir = await mkdtemp(join(tmpdir(), "backfill-cli-"));
  const use = async <T>(work: (db: Db) => Promise<T>) => {
    const db = await createDb({ kind: "pglite", dataDir });
    try {
      return await work(db);
    } finally {
      await db.destroy();
    }
  };
  await use(migrateToLatest);
  return { env: { DATABASE_URL: "", PGLITE_DATA_DIR: dataDir }, use, close: () => rm(dataDir, { recursive: true }) };
}

describe.each(testDatabaseKinds())("pnpm users:backfill on %s", (kind) => {
  const stub = useClerkApiStub();
  let database: CommandDatabase;
  let env: Record<string, string>;

  beforeAll(async () => {
    database = await openCommandDatabase(kind);
    env = { ...database.env, CLERK_SECRET_KEY: "sk_live_of_another_instance", CLERK_API_URL: stub.url };
  });
  afterAll(async () => {
    await database.close();
  });

  const countTombstones = (db: Db) =>
    db
      .selectFrom("users")
      .select("id")
      .where("deleted_at", "is not", null)
      .execute()
      .then((rows) => rows.length);

  it("stops before tombstoning when Clerk lacks most users, and --allow-mass-tombstone proceeds", async () => {
    stub.users.set("user_otherInstance", clerkUserJson({ id: "user_otherInstance" }));
    await database.use((db) =>
      upsertUsersFromClerk(
        db,
        Array.from({ length: 30 }, () => userSyncRowFromClerk(clerkUserJson())),
      ),
    );

    const stopped = await runBackfill(env);
    expect(stopped.exitCode).toBe(1);
    expect(stopped.stderr).toMatch(/30 of 31 live users .* CLERK_SECRET_KEY may belong to another Clerk instance/);
    await database.use(async (db) => {
      expect(await countTombstones(db)).toBe(0);
      expect(await findLatestReconciliationRun(db)).toMatchObject({ status: "stopped", trigger: "command" });
    });

    const allowed = await runBackfill(env, ["--allow-mass-tombstone"]);
    expect(allowed).toMatchObject({ exitCode: 0, stderr: "" });
    expect(allowed.stdout).toMatch(/Done in .* 30 tombstoned/);
    await database.use(async (db) => {
      expect(await countTombstones(db)).toBe(30);
      expect(await findLatestReconciliationRun(db)).toMatchObject({
        status: "succeeded",
        mass_tombstone_allowed: true,
      });
    });
  });

  it("with organizations off in Clerk (a new instance), reconciles the users, says so in one line and exits 0", async () => {
    stub.users.set("user_stillThere", clerkUserJson({ id: "user_stillThere" }));
    const result = await runBackfill(env);
    expect(result).toMatchObject({ exitCode: 0, stderr: "" });
    const lines = result.stdout.split("\n");
    expect(lines.filter((line) => /organizations/i.test(line))).toEqual([
      "Organizations are turned off in this Clerk instance: organizations and memberships were left as they are " +
        "(turn them on in the Clerk dashboard to sync them).",
    ]);
    expect(result.stdout).toMatch(/Done in .*: users .*\(1 listed in Clerk\)\.$/m);
    await database.use(async (db) => {
      expect(await findLatestReconciliationRun(db)).toMatchObject({
        status: "succeeded",
        trigger: "command",
        organizations_enabled: false,
      });
    });
  });

  it("when Clerk refuses the key, prints what Clerk said and records it on the run", async () => {
    stub.failNext(1, 401, { code: "authentication_invalid" });
    const result = await runBackfill(env);
    expect(result.exitCode).toBe(1);
    const said = "Clerk's Backend API answered 401: Stub Backend API: authentication_invalid";
    expect(result.stderr).toBe(`clerk:backfill failed: ${said}\n`);
    await database.use(async (db) => {
      expect(await findLatestReconciliationRun(db)).toMatchObject({ status: "failed", error: said });
    });
  });

  it("when Clerk cannot be reached, says so instead of an empty message", async () => {
    const result = await runBackfill({ ...env, CLERK_API_URL: "http://127.0.0.1:9" });
    expect(result.exitCode).toBe(1);
    const said = "Clerk's Backend API could not be reached: fetch failed";
    expect(result.stderr).toBe(`clerk:backfill failed: ${said}\n`);
    await database.use(async (db) => {
      expect(await findLatestReconciliationRun(db)).toMatchObject({ status: "failed", error: said });
    });
  });

  it("takes an empty CLERK_SECRET_KEY, as copied from .env.example, as not set", async () => {
    const result = await runBackfill({ ...env, CLERK_SECRET_KEY: "" });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toBe(
      "clerk:backfill failed: Invalid settings:\n" +
        "- CLERK_SECRET_KEY is not set: copy it from the Clerk dashboard (API keys) into .env\n",
    );
  });

  it("--incremental reads only what Clerk changed since the last successful run and tombstones nobody", async () => {
    const changed = clerkUserJson({ id: "user_changedSinceTheLastRun" });
    stub.users.set(changed.id, changed);
    expect((await runBackfill(env)).exitCode).toBe(0);
    stub.users.set(changed.id, { ...changed, first_name: "Grace", updated_at: Date.now() });
    stub.requests.length = 0;

    const result = await runBackfill(env, ["--incremental"]);
    expect(result).toMatchObject({ exitCode: 0, stderr: "" });
    expect(result.stdout).toMatch(
      /Done in .*: users changed since .*: 0 created, 1 updated, 0 unchanged, 0 tombstoned/,
    );
    expect(stub.requests.filter((request) => request.startsWith("GET /v1/users?"))).toEqual([
      expect.stringContaining("order_by=-updated_at"),
    ]);
    await database.use(async (db) => {
      expect(await findLatestReconciliationRun(db)).toMatchObject({ kind: "incremental", status: "succeeded" });
    });
    const refused = await runBackfill(env, ["--incremental", "--allow-mass-tombstone"]);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toMatch(/--allow-mass-tombstone goes with a full run[\s\S]*Usage:/);
  });

  it("refuses a misspelt option with the usage, before asking Clerk anything", async () => {
    const requestsBefore = stub.requests.length;
    const result = await runBackfill(env, ["--allow-mass-tombstones"]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/Unknown option '--allow-mass-tombstones'[\s\S]*Usage: pnpm clerk:backfill/);
    expect(stub.requests.length).toBe(requestsBefore);
  });
});
