import { clerkLocalPortSetting } from "@repo/settings/clerk";
import { loadEnv, type Plugin } from "vite";
import { localPublishableKey, wantsClerkLocal } from "./local-instance.ts";

/**
 * Local mode in the web app's dev server: when no Clerk key is set, the page gets the stand-in's
 * publishable key (in the meta tag the app reads first) and the stand-in itself, loaded by a plain script
 * before the app's own. @clerk/react then finds `window.Clerk` already there and loads nothing from
 * Clerk; the app's code is the same as with Clerk.
 *
 * Dev server only (`apply: "serve"`): a production build never contains any of this, whatever the
 * environment (e2e/production-bundle.test.ts checks the built files).
 */
export function clerkLocal(): Plugin {
  let injected: { publishableKey: string; scriptUrl: string } | undefined;
  return {
    name: "clerk-local",
    apply: "serve",
    configResolved(config) {
      // The same variables the server reads: the repository's .env, with the environment winning.
      const env = { ...loadEnv(config.mode, config.envDir || config.root, ""), ...process.env };
      if (!wantsClerkLocal(env)) return;
      const port = clerkLocalPortSetting.safeParse(env.CLERK_LOCAL_PORT);
      if (!port.success || port.data === 0) return;
      injected = {
        publishableKey: localPublishableKey(port.data),
        scriptUrl: `http://127.0.0.1:${port.data}/npm/@clerk/clerk-js@local/dist/clerk.browser.js`,
      };
      config.logger.info(
        `  Local sign-in: no Clerk keys set, so the page signs in with the stand-in at 127.0.0.1:${port.data}`,
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
