import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "vite";

const webRoot = fileURLToPath(new URL("..", import.meta.url));

/**
 * A production build of the web app, as `pnpm build` makes it, with the given publishable key baked in
 * (Vite inlines VITE_* values at build time). Written to a temporary folder so tests never touch dist/.
 */
export async function buildWebApp(publishableKey: string | undefined): Promise<string> {
  const outDir = mkdtempSync(join(tmpdir(), "web-build-"));
  const previous = { key: process.env.VITE_CLERK_PUBLISHABLE_KEY, nodeEnv: process.env.NODE_ENV };
  process.env.VITE_CLERK_PUBLISHABLE_KEY = publishableKey ?? "";
  // Vitest sets NODE_ENV=test, which would give React's development build.
  process.env.NODE_ENV = "production";
  try {
    await build({
      root: webRoot,
      configFile: join(webRoot, "vite.config.ts"),
      mode: "production",
      logLevel: "warn",
      envDir: outDir, // no .env files: only the value set above
      build: { outDir, emptyOutDir: true },
    });
  } finally {
    restoreEnv("VITE_CLERK_PUBLISHABLE_KEY", previous.key);
    restoreEnv("NODE_ENV", previous.nodeEnv);
  }
  return outDir;
}

function restoreEnv(name: string, value: string | undefined) {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}
