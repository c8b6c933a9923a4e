// Plain JavaScript, with its types in vite-plugin.d.ts: Vite loads vite.config.ts's imports of workspace
// packages with Node as they are, which runs no TypeScript.
import { DEFAULT_CLERK_LOCAL_PORT, wantsClerkLocal } from "@repo/settings/clerk-local-mode";
import { loadEnv } from "vite";
import { localPublishableKey } from "./local-instance.js";

/**
 * Local mode in the web app's dev server: when no Clerk key is set, the page gets the stand-in's
 * publishable key (in the meta tag the app reads first) and the stand-in itself, loaded by a plain script
 * before the app's own. @clerk/react then finds `window.Clerk` already there and loads nothing from
 * Clerk; the app's code is the same as with Clerk.
 *
 * Dev server only (`apply: "serve"`): a production build never contains any of this, whatever the
 * environment (e2e/local-mode.test.ts checks the built files).
 *
 * @returns {import("vite").Plugin}
 */
export function clerkLocal() {
  /** @type {{ publishableKey: string; scriptUrl: string } | undefined} */
  let injected;
  return {
    name: "clerk-local",
    apply: "serve",
    configResolved(config) {
      // The same variables the server reads: the repository's .env, with the environment winning.
      const env = { ...loadEnv(config.mode, config.envDir || config.root, ""), ...process.env };
      if (!wantsClerkLocal(env)) return;
      const port = Number(env.CLERK_LOCAL_PORT?.trim() || DEFAULT_CLERK_LOCAL_PORT);
      // Any free port (0) is for the server's own tests: no page can know it.
      if (!Number.isInteger(port) || port <= 0) return;
      injected = {
        publishableKey: localPublishableKey(port),
        scriptUrl: `http://127.0.0.1:${port}/npm/@clerk/clerk-js@local/dist/clerk.browser.js`,
      };
      config.logger.info(
        `  Local sign-in: no Clerk keys are set; pages sign in with the stand-in at 127.0.0.1:${port}`,
      );
    },
    transformIndexHtml() {
      if (!injected) return;
      return [
        { tag: "meta", attrs: { name: "clerk-publishable-key", content: injected.publishableKey }, injectTo: "head" },
        // Classic and blocking, so window.Clerk exists before the app's module script runs.
        { tag: "script", attrs: { src: injected.scriptUrl }, injectTo: "head" },
      ];
    },
  };
}
