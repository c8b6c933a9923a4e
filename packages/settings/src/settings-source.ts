import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "dotenv";
import { SettingsError } from "./settings.ts";

/**
 * The repository's .env: three folders up from packages/settings/src, and from apps/server/dist too, where
 * the server's bundle carries this module.
 */
const REPOSITORY_DOTENV = fileURLToPath(new URL("../../../.env", import.meta.url));

/**
 * Where a program's settings come from: the server, `pnpm db:migrate` and `pnpm clerk:backfill` alike.
 * In production: the process environment only. Elsewhere the repository's .env fills in what the
 * environment does not set (a development convenience, see .env.example); real environment variables
 * win.
 *
 * The file's values are merged into the returned object, never into process.env: SDKs that read
 * process.env on their own (Inngest's serve handler does, on every request) must not see settings the
 * server did not validate and hand them itself.
 */
export function readSettingsSource(
  options: { dotenvPath?: string; environment?: NodeJS.ProcessEnv } = {},
): NodeJS.ProcessEnv {
  const { dotenvPath = REPOSITORY_DOTENV, environment = process.env } = options;
  if (environment.NODE_ENV === "production") return environment;
  const fromFile = existsSync(dotenvPath) ? parse(readFileSync(dotenvPath)) : {};
  if (fromFile.NODE_ENV === "production")
    throw new SettingsError("Invalid settings:", [
      "NODE_ENV=production is set in .env: production takes its settings from the environment only; set NODE_ENV=production there (pnpm --filter ./apps/server start does)",
    ]);
  return { ...fromFile, ...environment };
}
