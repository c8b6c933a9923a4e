// Bundles the server for `pnpm start`: workspace packages (@repo/*) ship as TypeScript source, so they
// are compiled into the bundle; every other dependency stays an import resolved from node_modules.
import { build } from "esbuild";

await build({
  entryPoints: ["src/main.ts"],
  outfile: "dist/main.js",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  sourcemap: true,
  logLevel: "info",
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
