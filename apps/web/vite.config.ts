import { clerkLocal } from "@repo/clerk-local/vite";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const serverUrl = process.env.API_PROXY_TARGET ?? "http://localhost:3000";
const devPort = 5173;

/**
 * Vite's own `server.fs.deny` list (vite 8's default). Setting the option replaces the default rather than
 * adding to it, so it is repeated here in full.
 */
const viteDefaultFsDeny = [".env", ".env.*", "*.{crt,pem,key,p12,pfx,cer,der}", ".npmrc", ".yarnrc.yml", "**/.git/**"];

export default defineConfig({
  // clerkLocal: with no Clerk keys, the dev server's pages sign in with the local stand-in for Clerk
  // (packages/clerk-local). It does nothing in a build.
  plugins: [react(), clerkLocal()],
  // Reads VITE_* from the repository's .env, the same file the server reads. Only VITE_-prefixed
  // values reach the bundle, which is why secrets must never carry that prefix.
  envDir: "../..",
  server: {
    port: devPort,
    strictPort: true,
    // Vite serves any file under the workspace root at /@fs/<path>. .data/ holds the local stand-in's
    // signing key and webhook secret (.data/clerk-local/keys.json), its directory and the embedded
    // database's files: none of it is for a browser.
    fs: { deny: [...viteDefaultFsDeny, "**/.data/**"] },
    // Vite's default answers every localhost origin, so any other dev server on this machine could read
    // our modules. The page is served from this origin and needs no CORS for its own requests.
    cors: { origin: [`http://localhost:${devPort}`, `http://127.0.0.1:${devPort}`] },
    // The browser talks to one origin; in development Vite forwards the API to the server.
    proxy: { "/api": { target: serverUrl, changeOrigin: false } },
  },
  build: {
    // Maps are written for an error tracker to upload, but the built JavaScript names none, and the
    // server never sends them (apps/server/src/http/web-app.ts): they hold our source, comments and all.
    sourcemap: "hidden",
    // The modulepreload polyfill is initial JavaScript for Safari before 17 and Firefox before 115 only,
    // which without it merely fetch a lazy chunk's imports a moment later (budget: e2e/initial-js.test.ts).
    modulePreload: { polyfill: false },
    rolldownOptions: {
      treeshake: {
        // @clerk/react and @clerk/shared build every component and hook they export with a top-level
        // call, e.g. `const usePlans = createBillingPaginatedHook({...})`, not marked /* @__PURE__ */, so
        // the bundler must keep them even where the app never uses the result: the billing hooks,
        // <PricingTable>, <SignIn>, <Waitlist>, Stripe's payment element and the rest, about 4 KB gzip
        // of the first page load. Each of these factories only builds and returns a component, context
        // or hook, so an unused call can go. If Clerk renames one, the code comes back and
        // e2e/initial-js.test.ts says so.
        manualPureFunctions: [
          "createBillingPaginatedHook",
          "createContextAndHook",
          "createElementComponent",
          "createRecursiveProxy",
          "withClerk",
        ],
      },
    },
  },
});
