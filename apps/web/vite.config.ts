import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const serverUrl = process.env.API_PROXY_TARGET ?? "http://localhost:3000";

export default defineConfig({
  plugins: [react()],
  // Reads VITE_* from the repository's .env, the same file the server reads. Only VITE_-prefixed
  // values reach the bundle, which is why secrets must never carry that prefix.
  envDir: "../..",
  server: {
    port: 5173,
    strictPort: true,
    // The browser talks to one origin; in development Vite forwards the API to the server.
    proxy: { "/api": { target: serverUrl, changeOrigin: false } },
  },
  build: {
    sourcemap: true,
    // The modulepreload polyfill is initial JavaScript for Safari before 17 and Firefox before 115 only,
    // which without it merely fetch a lazy chunk's imports a moment later (budget: e2e/initial-js.test.ts).
    modulePreload: { polyfill: false },
  },
});
