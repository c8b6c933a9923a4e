import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { useTestDatabase } from "@repo/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestClerkInstance } from "../testing/clerk-session.ts";
import { startTestServer } from "../testing/test-server.ts";

// A Clerk instance whose Frontend API host is not the test default, so the page can only name it by
// reading it out of the publishable key.
const clerk = createTestClerkInstance("clerk.example-app.test");

/** index.html as Vite builds it: the entry script in <head>. */
const BUILT_INDEX_HTML = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="UTF-8" />
    <title>Clerk sync starter</title>
    <script type="module" crossorigin src="/assets/index-abc123.js"></script>
  </head>
  <body>
    <div id="root"></div>
  </body>
</html>
`;

describe("the served web app's index.html", () => {
  const t = useTestDatabase("pglite");
  let distDir: string;

  beforeAll(() => {
    distDir = mkdtempSync(join(tmpdir(), "web-dist-"));
    writeFileSync(join(distDir, "index.html"), BUILT_INDEX_HTML);
  });

  afterAll(() => {
    rmSync(distDir, { recursive: true, force: true });
  });

  it("preconnects to the Frontend API named in the publishable key, a host the CSP allows", async () => {
    const server = await startTestServer({ db: t.db, clerk, webDistDir: distDir });
    try {
      const response = await fetch(`${server.url}/some/client/route`);
      expect(response.status).toBe(200);
      const html = await response.text();
      const head = html.slice(0, html.indexOf("</head>"));
      // Anonymous (crossorigin), like the script requests Clerk's loader makes to that host.
      expect(head).toContain('<link rel="preconnect" href="https://clerk.example-app.test" crossorigin />');
      expect(head).toContain(`<meta name="clerk-publishable-key" content="${clerk.publishableKey}" />`);
      const csp = response.headers.get("content-security-policy") ?? "";
      expect(csp).toMatch(/script-src [^;]*https:\/\/clerk\.example-app\.test/);
      expect(csp).toMatch(/connect-src [^;]*https:\/\/clerk\.example-app\.test/);
    } finally {
      await server.close();
    }
  });

  it("answers a script the build did not write with a 404 no cache may keep", async () => {
    const server = await startTestServer({ db: t.db, clerk, webDistDir: distDir });
    try {
      const response = await fetch(`${server.url}/assets/index-0ldHash0.js`);
      expect(response.status).toBe(404);
      // A CDN that kept this 404 would break the chunk once a rolling deploy brings it.
      expect(response.headers.get("cache-control")).toBe("no-store");
    } finally {
      await server.close();
    }
  });

  it("names no Clerk host when the server has no publishable key", async () => {
    const server = await startTestServer({ db: t.db, clerk, webDistDir: distDir, withoutClerkKeys: true });
    try {
      const html = await (await fetch(server.url)).text();
      expect(html).not.toContain("preconnect");
      expect(html).not.toContain("clerk-publishable-key");
      expect(html).toContain('<script type="module" crossorigin src="/assets/index-abc123.js"></script>');
    } finally {
      await server.close();
    }
  });
});
