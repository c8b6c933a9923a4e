import { existsSync, readFileSync } from "node:fs";
import { parse } from "dotenv";
import { EnvError } from "./env.ts";

/**
 * Where the server's settings come from. In production: the process environment only. Elsewhere the
 * repository's .env fills in what the environment does not set (a development convenience, see
 * .env.example); real environment variables win.
 *
 * The file's values are merged into the returned object, never into process.env: SDKs that read
 * process.env on their own (Inngest's serve handler does, on every request) must not see settings the
 * server did not validate and hand them itself.
 */
export function readSettingsSource(
  dotenvPath: string,
  environment: NodeJS.ProcessEnv = process.env,
): NodeJS.ProcessEnv {
  if (environment.NODE_ENV === "production") return environment;
  const fromFile = existsSync(dotenvPath) ? parse(readFileSync(dotenvPath)) : {};
  if (fromFile.NODE_ENV === "production")
    throw new EnvError("Invalid server settings:", [
      "NODE_ENV=production is set in .env: production takes its settings from the environment only; set NODE_ENV=production there (pnpm --filter ./apps/server start does)",
    ]);
  return { ...fromFile, ...environment };
}
