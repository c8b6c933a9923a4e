import { createHash, randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { Kysely, PGliteDialect } from "kysely";
import { migrateToLatest } from "../migrate.ts";
import type { Database } from "../schema.ts";

/**
 * The data directory a test's PGlite starts from: a dump of a cluster booted (and migrated) once, kept in
 * the system's temporary folder across runs. Booting PGlite runs initdb, which takes about 5 s of CPU on a
 * 2-core machine, and the suites open some 200 databases; loading a dump takes about 1 s. The file name
 * carries a hash of the PGlite version and of the migrations' source, so a new PGlite or a changed
 * migration builds a new template instead of reusing a stale one.
 */
export async function loadPgliteTemplate(migrated: boolean): Promise<Blob> {
  const path = join(TEMPLATE_FOLDER, `${migrated ? "migrated" : "empty"}-${templateVersion()}.tar`);
  try {
    return new Blob([await readFile(path)]);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const dump = await dumpFreshCluster(migrated);
  // Written beside and renamed into place, so a test file running in another worker never reads half a
  // template; two workers that both build one write the same content, and the last rename wins.
  await mkdir(TEMPLATE_FOLDER, { recursive: true });
  const partial = `${path}.${process.pid}-${randomBytes(4).toString("hex")}.partial`;
  await writeFile(partial, new Uint8Array(await dump.arrayBuffer()));
  await rename(partial, path);
  await removeOtherVersions();
  return dump;
}

/**
 * Each template is some 40 MB, and every edit of a migration makes a new version: keep only the current
 * one. A checkout of another branch that still wants an old one builds it again, once.
 */
async function removeOtherVersions(): Promise<void> {
  const current = templateVersion();
  for (const name of await readdir(TEMPLATE_FOLDER)) {
    if (name.endsWith(".tar") && !name.includes(current)) await rm(join(TEMPLATE_FOLDER, name), { force: true });
  }
}

const TEMPLATE_FOLDER = join(tmpdir(), "repo-pglite-test-templates");

async function dumpFreshCluster(migrated: boolean): Promise<Blob> {
  // Created and awaited here: dumpDataDir on a PGlite that is not yet ready never settles.
  const pglite = await PGlite.create();
  const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) });
  try {
    if (migrated) await migrateToLatest(db);
    return await pglite.dumpDataDir("none");
  } finally {
    // Closes the PGlite too.
    await db.destroy();
  }
}

let cachedVersion: string | undefined;

function templateVersion(): string {
  if (cachedVersion) return cachedVersion;
  const hash = createHash("sha256");
  const pgliteEntry = createRequire(import.meta.url).resolve("@electric-sql/pglite");
  hash.update(readFileSync(join(dirname(pgliteEntry), "..", "package.json")));
  const migrationsFolder = join(dirname(fileURLToPath(import.meta.url)), "..", "migrations");
  for (const name of readdirSync(migrationsFolder).sort()) {
    hash.update(name);
    hash.update(readFileSync(join(migrationsFolder, name)));
  }
  cachedVersion = hash.digest("hex").slice(0, 16);
  return cachedVersion;
}
