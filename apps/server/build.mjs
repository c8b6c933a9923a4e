// Bundles the server for `pnpm start`: workspace packages (@repo/*) ship as TypeScript source, so they
// are compiled into the bundle; every other dependency stays an import resolved from node_modules.
// `node build.mjs [outfile]`: tests build elsewhere than dist/ (somewhere node_modules still resolves).
import { build } from "esbuild";

await build({
  entryPoints: ["src/main.ts"],
  outfile: process.argv[2] ?? "dist/main.js",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  sourcemap: true,
  logLevel: "warning",
  // The bundle is what production runs: main.ts reads this to default NODE_ENV to production.
  define: { __PRODUCTION_BUILD__: "true" },
  plugins: [
    {
      name: "external-dependencies",
      setup(builder) {
        builder.onResolve({ filter: /^[^./]/ }, (args) =>
          args.path.startsWith("@repo/") ? undefined : { path: args.path, external: true },
        );
      },
    },
  ],
});
