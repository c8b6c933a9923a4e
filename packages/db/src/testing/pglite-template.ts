import { createHash, randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { Kysely, PGliteDialect } from "kysely";
import { createDb, type Db } from "../client.ts";
import { migrateToLatest } from "../migrate.ts";
import type { Database } from "../schema.ts";

/**
 * Where the templates are kept: in this checkout's node_modules, as Vite and Babel keep their caches.
 * Not the system's temp folder: there another user could plant a template under its predictable name,
 * and two checkouts with different migrations would keep removing each other's.
 */
const TEMPLATE_FOLDER = fileURLToPath(new URL("../../node_modules/.cache/pglite-test-templates/", import.meta.url));

export type PgliteTemplateOptions = {
  migrated: boolean;
  /** Where the template is kept; TEMPLATE_FOLDER unless a test of this module gives its own. */
  folder?: string;
};

/**
 * Opens an in-memory PGlite test database from a template: the data directory of a cluster booted (and,
 * with `migrated`, migrated) once, dumped, and kept in TEMPLATE_FOLDER across runs. Booting PGlite runs
 * initdb, which takes about 5 s of CPU on a 2-core machine, and the suites open some 200 databases;
 * loading a dump takes about 1 s. The template's name carries a hash of everything that decides its
 * content (PGlite's and Kysely's versions, the migrations, the code that migrates and dumps), so a
 * change to any of them builds a new template instead of reusing a stale one.
 */
export async function openPgliteFromTemplate(options: PgliteTemplateOptions): Promise<Db> {
  const path = pgliteTemplatePath(options);
  const dump = await loadTemplate(path, options.migrated);
  try {
    return await createDb({ kind: "pglite-memory", loadDataDir: dump });
  } catch (error) {
    // A template that cannot start would fail every run after this one: remove it, so the next builds it.
    loadedTemplates.delete(path);
    await rm(path, { force: true });
    throw new Error(`PGlite could not start from the test template ${path} (removed: the next run builds it again)`, {
      cause: error,
    });
  }
}

export function pgliteTemplatePath(options: PgliteTemplateOptions): string {
  const name = `${options.migrated ? "migrated" : "empty"}-${templateVersion()}.tar`;
  return join(options.folder ?? TEMPLATE_FOLDER, name);
}

/** Read once per process: each database loads its own copy of the dump, so one Blob serves them all. */
const loadedTemplates = new Map<string, Promise<Blob>>();

function loadTemplate(path: string, migrated: boolean): Promise<Blob> {
  let dump = loadedTemplates.get(path);
  if (!dump) {
    dump = readOrBuildTemplate(path, migrated);
    loadedTemplates.set(path, dump);
    dump.catch(() => loadedTemplates.delete(path));
  }
  return dump;
}

async function readOrBuildTemplate(path: string, migrated: boolean): Promise<Blob> {
  try {
    return new Blob([await readFile(path)]);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const dump = await dumpFreshCluster(migrated);
  // Written beside and renamed into place, so a test file running in another worker never reads half a
  // template; two workers that both build one write equivalent dumps, and the last rename wins.
  const folder = dirname(path);
  await mkdir(folder, { recursive: true });
  const partial = `${path}.${process.pid}-${randomBytes(4).toString("hex")}.partial`;
  try {
    await writeFile(partial, new Uint8Array(await dump.arrayBuffer()));
    await rename(partial, path);
  } finally {
    await rm(partial, { force: true });
  }
  await removeOutdatedFiles(folder);
  return dump;
}

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

const PARTIAL_FILE_MAX_AGE_MS = 60 * 60 * 1000;

/**
 * Each template is some 40 MB, and every edit of a migration makes a new version: keep only the current
 * one, and drop what a writer killed mid-write left behind.
 */
async function removeOutdatedFiles(folder: string): Promise<void> {
  const current = templateVersion();
  for (const name of await readdir(folder)) {
    const path = join(folder, name);
    const isOtherVersion = name.endsWith(".tar") && !name.includes(current);
    // Another worker may rename its .partial file into place between readdir and stat: then it is gone.
    const partialMtimeMs = name.endsWith(".partial") ? (await stat(path).catch(() => undefined))?.mtimeMs : undefined;
    const isAbandoned = partialMtimeMs !== undefined && Date.now() - partialMtimeMs > PARTIAL_FILE_MAX_AGE_MS;
    if (isOtherVersion || isAbandoned) await rm(path, { force: true });
  }
}

let cachedVersion: string | undefined;

function templateVersion(): string {
  if (cachedVersion) return cachedVersion;
  const hash = createHash("sha256");
  const addFile = (path: string) => {
    hash.update(`${basename(path)}\0`);
    hash.update(readFileSync(path));
    hash.update("\0");
  };
  addFile(packageManifest("@electric-sql/pglite"));
  addFile(packageManifest("kysely"));
  addFile(fileURLToPath(import.meta.url));
  addFile(fileURLToPath(new URL("../migrate.ts", import.meta.url)));
  const migrationsFolder = fileURLToPath(new URL("../migrations/", import.meta.url));
  for (const name of readdirSync(migrationsFolder).sort()) addFile(join(migrationsFolder, name));
  cachedVersion = hash.digest("hex").slice(0, 16);
  return cachedVersion;
}

/** The package.json that names the package: a package's dist folders may hold nameless ones of their own. */
function packageManifest(name: string): string {
  let folder = dirname(createRequire(import.meta.url).resolve(name));
  for (;;) {
    const candidate = join(folder, "package.json");
    try {
      if (JSON.parse(readFileSync(candidate, "utf8")).name === name) return candidate;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
    const parent = dirname(folder);
    if (parent === folder) throw new Error(`Cannot find ${name}'s package.json above its entry point`);
    folder = parent;
  }
}
