// @vitest-environment node
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createServer, type ViteDevServer } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const webRoot = fileURLToPath(new URL("..", import.meta.url));
const repoRoot = fileURLToPath(new URL("../../..", import.meta.url));

/** The web app's Vite dev server with its real config, as `pnpm dev` starts it (on a free port). */
describe("the web app's dev server", () => {
  let vite: ViteDevServer;
  let baseUrl: string;
  let dataDir: string;

  beforeAll(async () => {
    // A file where the local stand-in keeps its keys: the repository's .data/ folder.
    mkdirSync(join(repoRoot, ".data"), { recursive: true });
    dataDir = mkdtempSync(join(repoRoot, ".data", "dev-server-test-"));
    writeFileSync(join(dataDir, "keys.json"), JSON.stringify({ privateKey: "-----BEGIN PRIVATE KEY-----" }));
    vite = await createServer({
      root: webRoot,
      configFile: join(webRoot, "vite.config.ts"),
      envDir: mkdtempSync(join(tmpdir(), "no-env-")),
      cacheDir: mkdtempSync(join(tmpdir(), "vite-cache-")),
      logLevel: "silent",
      server: { host: "127.0.0.1", port: 0, strictPort: false },
    });
    await vite.listen();
    const address = vite.httpServer?.address();
    if (!address || typeof address === "string") throw new Error("the dev server has no port");
    baseUrl = `http://127.0.0.1:${address.port}`;
  }, 60_000);

  afterAll(async () => {
    await vite?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("refuses the files under .data/ (the stand-in's signing key and webhook secret)", async () => {
    const response = await fetch(`${baseUrl}/@fs${join(dataDir, "keys.json")}`);
    const body = await response.text();
    expect(response.status).toBe(403);
    expect(body).not.toContain("PRIVATE KEY");
  });

  it("still refuses what Vite refuses by default (.env)", async () => {
    const response = await fetch(`${baseUrl}/@fs${join(repoRoot, ".env.example")}`);
    expect(response.status).toBe(403);
  });

  it("gives no other origin on this machine leave to read its modules", async () => {
    const response = await fetch(`${baseUrl}/src/main.tsx`, { headers: { Origin: "http://localhost:4000" } });
    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
  });
});
