import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import { parsePublishableKey } from "@clerk/shared/keys";
import express, { type RequestHandler, type Router } from "express";

/**
 * Serves the built web app (apps/web/dist) so one process is enough to deploy: hashed assets are cached
 * for a year, and any other GET that is not an API route gets index.html for the client-side router.
 *
 * index.html is given the server's own Clerk publishable key at serve time, in the meta tag the web app
 * reads first (apps/web/src/env.ts), so a build made without any VITE_ variable runs in every
 * environment and the key always matches the server's; and a preconnect to Clerk's Frontend API.
 *
 * A file goes out as it is on disk only when the request names it exactly as the build wrote it, and
 * never an HTML page or a source map. A static middleware would decode and normalize the path first, so
 * `/%69ndex.html`, `/./index.html` or `/assets/%2e%2e/index.html` reached the raw template: without the
 * key, and cacheable. Here every other spelling is a page route (the injected page, `no-cache`), or a 404
 * under /assets/, so a chunk missing after a deploy fails as a 404 instead of HTML parsed as JavaScript.
 */
export function createWebAppRouter(distDir: string, options: { publishableKey: string | undefined }): Router {
  const indexPath = join(distDir, "index.html");
  if (!existsSync(indexPath)) {
    throw new Error(`No built web app in ${distDir}: run \`pnpm build\` first, or unset WEB_DIST_DIR`);
  }
  const indexHtml = withClerkTags(readFileSync(indexPath, "utf8"), options.publishableKey);
  // Absolute, as res.sendFile needs, whatever WEB_DIST_DIR says.
  const publicFiles = publicFilesOf(resolve(distDir));
  const serveWebApp: RequestHandler = (req, res) => {
    const file = publicFiles.get(req.path);
    // Hashed names: a new build gives a changed file a new name, so a cached one never goes stale.
    if (file) return res.sendFile(file, req.path.startsWith("/assets/") ? { immutable: true, maxAge: "1y" } : {});
    // Not cached anywhere: a CDN that kept this 404 would break the chunk once a rolling deploy brings it.
    if (req.path.startsWith("/assets/"))
      return res.status(404).set("Cache-Control", "no-store").type("text").send("Not found");
    res.setHeader("Cache-Control", "no-cache");
    res.type("html").send(indexHtml);
  };
  const webRouter = express.Router();
  webRouter.get(/^(?!\/api\/).*/, serveWebApp);
  return webRouter;
}

/**
 * The files of the build that may be sent as they are, by the URL path that names them: everything but
 * HTML (the page goes out only with the key injected), source maps (our source, comments and all) and
 * dot files. Read once: a deployed build does not change under a running server.
 */
function publicFilesOf(distDir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of readdirSync(distDir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const segments = relative(distDir, path).split(sep);
    if (segments.some((segment) => segment.startsWith("."))) continue;
    if (/\.(html?|map)$/i.test(entry.name)) continue;
    files.set(`/${segments.map(encodeURIComponent).join("/")}`, path);
  }
  return files;
}

/** Must match PUBLISHABLE_KEY_META in apps/web/src/env.ts. */
const PUBLISHABLE_KEY_META = "clerk-publishable-key";

/**
 * The publishable key's meta tag, and a preconnect to the Clerk instance's Frontend API (the host named
 * inside the key), where Clerk's browser SDK and UI come from once the app's own JavaScript has run: the
 * browser opens that connection (DNS, TCP, TLS) while the app's scripts download instead of after.
 * `crossorigin` because Clerk loads those scripts with crossorigin="anonymous", and a browser reuses a
 * preconnected socket only for requests of the same credentials mode. The Content-Security-Policy
 * already allows the host (security-headers.ts).
 */
function withClerkTags(html: string, publishableKey: string | undefined): string {
  if (!publishableKey) return html;
  const tags = [`<meta name="${PUBLISHABLE_KEY_META}" content="${escapeAttribute(publishableKey)}" />`];
  const frontendApi = parsePublishableKey(publishableKey)?.frontendApi;
  if (frontendApi) tags.push(`<link rel="preconnect" href="https://${escapeAttribute(frontendApi)}" crossorigin />`);
  return html.replace("</head>", `${tags.map((tag) => `    ${tag}\n`).join("")}  </head>`);
}

function escapeAttribute(value: string): string {
  return value.replaceAll("&", "&amp;").replaceAll('"', "&quot;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}
