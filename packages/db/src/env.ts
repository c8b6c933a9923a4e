import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { z } from "zod";

const dbEnvSchema = z.object({
  DATABASE_URL: z
    .string()
    .trim()
    .transform((value) => value || undefined)
    .optional(),
  PGLITE_DATA_DIR: z.string().trim().min(1).optional(),
});

export type DbEnv = {
  /** Postgres connection string; absent means the embedded PGlite database. */
  databaseUrl: string | undefined;
  /** Where embedded PGlite keeps its files when there is no DATABASE_URL. */
  pgliteDataDir: string;
};

/** Reads the database settings from the environment, once, where they enter the program. */
export function readDbEnv(env: NodeJS.ProcessEnv = process.env): DbEnv {
  const parsed = dbEnvSchema.parse(env);
  return {
    databaseUrl: parsed.DATABASE_URL,
    pgliteDataDir: parsed.PGLITE_DATA_DIR ?? join(findWorkspaceRoot(process.cwd()), ".data", "pglite"),
  };
}

/**
 * The embedded database lives in the repository (git-ignored), whichever package's script opened it,
 * so `pnpm dev`, `pnpm db:migrate` and the server all see the same data.
 */
function findWorkspaceRoot(start: string): string {
  let dir = resolve(start);
  while (!existsSync(join(dir, "pnpm-workspace.yaml"))) {
    const parent = dirname(dir);
    if (parent === dir) return resolve(start);
    dir = parent;
  }
  return dir;
}
