// @vitest-environment node
import { readdirSync, readFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { openTestDatabase, type TestDatabase } from "@repo/db/testing";
import { createTestClerkInstance, startTestServer, type TestServer } from "@repo/server/testing";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

const clerk = createTestClerkInstance();

type RawResponse = { status: number; headers: Record<string, string | string[] | undefined>; body: string };

/**
 * A GET with the path sent byte for byte. fetch() would resolve `.`, `..` and `%2e%2e` segments before
 * sending, as browsers do; an attacker's client sends them as they are.
 */
function getRaw(baseUrl: string, path: string): Promise<RawResponse> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, path, method: "GET" }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        body += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("the production build as the server sends it", () => {
  let t: TestDatabase;
  let server: TestServer;
  let outDir: string;
  let template: string;
  let assets: string[];

  beforeAll(async () => {
    outDir = inject("webDistDir");
    t = await openTestDatabase("pglite");
    template = readFileSync(join(outDir, "index.html"), "utf8");
    assets = readdirSync(join(outDir, "assets"));
    server = await startTestServer({ db: t.db, clerk, webDistDir: outDir });
  });

  afterAll(async () => {
    await server?.close();
    await t?.close();
  });

  it.each([
    "/",
    "/organization",
    "/index.html",
    "/./index.html",
    "//index.html",
    "/%69ndex.html",
    "/%2e/index.html",
    "/.%2findex.html",
    "/assets/%2e%2e/index.html",
    "/assets/%2E%2E/index.html",
    "/assets/../index.html",
    "/assets%2f..%2findex.html",
    "/assets/index.html",
    "/INDEX.HTML",
    "/Index.html",
    "/index.html/",
    "/index.html%00",
  ])("%s is the page with the server's key and no-cache, or 404: never the raw template", async (path) => {
    const response = await getRaw(server.url, path);
    expect(response.body).not.toBe(template);
    if (response.status === 404) return;
    expect(response.status).toBe(200);
    expect(response.headers["content-type"]).toMatch(/^text\/html/);
    expect(response.headers["cache-control"]).toBe("no-cache");
    expect(response.body).toContain(`<meta name="clerk-publishable-key" content="${clerk.publishableKey}" />`);
  });

  it("sends no source map, and the built files point to none", async () => {
    const maps = assets.filter((name) => name.endsWith(".map"));
    // The build writes them (for an error tracker to upload); only the server must not send them.
    expect(maps.length).toBeGreaterThan(0);
    for (const map of maps) {
      const source = readFileSync(join(outDir, "assets", map), "utf8");
      for (const path of [`/assets/${map}`, `/assets/./${map}`, `//assets/${map}`, `/assets/%2e/${map}`]) {
        const response = await getRaw(server.url, path);
        expect(response.body, path).not.toBe(source);
        expect(response.status === 404 || response.headers["content-type"]?.includes("text/html"), path).toBe(true);
      }
      expect((await getRaw(server.url, `/assets/${map}`)).status).toBe(404);
    }
    for (const file of assets.filter((name) => !name.endsWith(".map"))) {
      expect(readFileSync(join(outDir, "assets", file), "utf8"), file).not.toContain("sourceMappingURL");
    }
  });

  it("sends the hashed scripts and styles, cached for a year, and 404 for one the build did not write", async () => {
    const files = assets.filter((name) => /\.(js|css)$/.test(name));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const response = await getRaw(server.url, `/assets/${file}`);
      expect(response.status, file).toBe(200);
      expect(response.headers["content-type"]).toMatch(/^(text\/javascript|application\/javascript|text\/css)/);
      expect(response.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
      expect(response.body).toBe(readFileSync(join(outDir, "assets", file), "utf8"));
    }
    // A chunk an older page asks for after a deploy: a 404 it can report, not HTML parsed as JavaScript.
    const missing = await getRaw(server.url, "/assets/index-0ldHash0.js");
    expect(missing.status).toBe(404);
    expect(missing.body).not.toContain("<html");
  });
});
