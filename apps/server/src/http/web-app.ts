import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parsePublishableKey } from "@clerk/shared/keys";
import express, { type RequestHandler, type Router } from "express";

/**
 * Serves the built web app (apps/web/dist) so one process is enough to deploy: hashed assets are cached
 * for a year, and any other GET that is not an API route gets index.html for the client-side router.
 *
 * index.html is given the server's own Clerk publishable key at serve time, in the meta tag the web app
 * reads first (apps/web/src/env.ts), so a build made without any VITE_ variable runs in every
 * environment and the key always matches the server's; and a preconnect to Clerk's Frontend API.
 */
export function createWebAppRouter(distDir: string, options: { publishableKey: string | undefined }): Router {
  const indexPath = join(distDir, "index.html");
  if (!existsSync(indexPath)) {
    throw new Error(`No built web app in ${distDir}: run \`pnpm build\` first, or unset WEB_DIST_DIR`);
  }
  const indexHtml = withClerkTags(readFileSync(indexPath, "utf8"), options.publishableKey);
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
