import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import express, { type RequestHandler, type Router } from "express";

/**
 * Serves the built web app (apps/web/dist) so one process is enough to deploy: hashed assets are cached
 * for a year, and any other GET that is not an API route gets index.html for the client-side router.
 *
 * index.html is given the server's own Clerk publishable key at serve time, in the meta tag the web app
 * reads first (apps/web/src/env.ts), so a build made without any VITE_ variable runs in every
 * environment and the key always matches the server's.
 */
export function createWebAppRouter(distDir: string, options: { publishableKey: string | undefined }): Router {
  const indexPath = join(distDir, "index.html");
  if (!existsSync(indexPath)) {
    throw new Error(`No built web app in ${distDir}: run \`pnpm build\` first, or unset WEB_DIST_DIR`);
  }
  const indexHtml = withPublishableKey(readFileSync(indexPath, "utf8"), options.publishableKey);
  const sendIndex: RequestHandler = (_req, res) => {
    res.setHeader("Cache-Control", "no-cache");
    res.type("html").send(indexHtml);
  };
  const webRouter = express.Router();
  webRouter.use("/assets", express.static(join(distDir, "assets"), { immutable: true, maxAge: "1y" }));
  webRouter.get("/index.html", sendIndex);
  webRouter.use(express.static(distDir, { index: false }));
  webRouter.get(/^(?!\/api\/).*/, sendIndex);
  return webRouter;
}

/** Must match PUBLISHABLE_KEY_META in apps/web/src/env.ts. */
const PUBLISHABLE_KEY_META = "clerk-publishable-key";

function withPublishableKey(html: string, publishableKey: string | undefined): string {
  if (!publishableKey) return html;
  const meta = `<meta name="${PUBLISHABLE_KEY_META}" content="${escapeAttribute(publishableKey)}" />`;
  return html.replace("</head>", `    ${meta}\n  </head>`);
}

function escapeAttribute(value: string): string {
  return value.replaceAll("&", "&amp;").replaceAll('"', "&quot;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}
