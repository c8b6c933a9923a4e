import { existsSync } from "node:fs";
import { join } from "node:path";
import express, { type Router } from "express";

/**
 * Serves the built web app (apps/web/dist) so one process is enough to deploy: hashed assets are cached
 * for a year, and any other GET that is not an API route gets index.html for the client-side router.
 */
export function createWebAppRouter(distDir: string): Router {
  if (!existsSync(join(distDir, "index.html"))) {
    throw new Error(`No built web app in ${distDir}: run \`pnpm build\` first, or unset WEB_DIST_DIR`);
  }
  const webRouter = express.Router();
  webRouter.use("/assets", express.static(join(distDir, "assets"), { immutable: true, maxAge: "1y" }));
  webRouter.use(express.static(distDir, { index: false }));
  webRouter.get(/^(?!\/api\/).*/, (_req, res) => {
    res.setHeader("Cache-Control", "no-cache");
    res.sendFile(join(distDir, "index.html"));
  });
  return webRouter;
}
