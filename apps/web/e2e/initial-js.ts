import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

/**
 * The most JavaScript, gzip-compressed, the first page load may fetch, in bytes: 100 KB of 1,024 bytes
 * (issue 13; the unit in which the build before the split measured 117 KB). Everything behind sign-in
 * is a chunk of its own, loaded after sign-in, and the build leaves out the Clerk components and hooks
 * the app never uses (vite.config.ts), which leaves 97.5 KB: React 19.3 and react-dom, Clerk's
 * <ClerkProvider> with the few components the header and landing page use, and our own code.
 * About 10 KB of it is @tanstack/query-core, which nothing on the first page runs: @clerk/shared
 * imports it for hooks this app never calls, and Rolldown places a module by every import that
 * reaches it, used or not (rolldown/rolldown#4812), so it sits in the first chunk, not the signed-in one.
 */
export const INITIAL_JS_BUDGET_BYTES = 100 * 1024;

export type InitialJs = {
  /** The scripts index.html loads or modulepreloads, with their gzip sizes in bytes. */
  files: { file: string; gzipBytes: number }[];
  gzipBytes: number;
  /** Every other JavaScript file of the build: chunks loaded on demand. */
  lazyFiles: string[];
  /** The initial files' text, to check what is (not) in them. */
  source: string;
};

/**
 * What a browser fetches before the app can render: the module scripts and modulepreload links of the
 * built index.html, gzipped with zlib's default level as a server or CDN would send them.
 */
export function measureInitialJs(outDir: string): InitialJs {
  const html = readFileSync(join(outDir, "index.html"), "utf8");
  const urls = [
    ...html.matchAll(/<script\b[^>]*\btype="module"[^>]*\bsrc="([^"]+)"/g),
    ...html.matchAll(/<link\b[^>]*\brel="modulepreload"[^>]*\bhref="([^"]+)"/g),
  ].map((match) => match[1] ?? "");
  const initial = [...new Set(urls)].map((url) => url.replace(/^\//, ""));
  const contents = initial.map((file) => readFileSync(join(outDir, file)));
  const files = initial.map((file, i) => ({ file, gzipBytes: gzipSync(contents[i] ?? "").length }));
  const lazyFiles = readdirSync(join(outDir, "assets"))
    .filter((name) => name.endsWith(".js"))
    .map((name) => `assets/${name}`)
    .filter((file) => !initial.includes(file));
  return {
    files,
    gzipBytes: files.reduce((sum, f) => sum + f.gzipBytes, 0),
    lazyFiles,
    source: contents.join("\n"),
  };
}
