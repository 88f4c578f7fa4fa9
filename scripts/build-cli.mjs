// Bundles the command line (dist/src/cli/main.js, compiled by tsc) into dist/cli with esbuild, one chunk per command
// module (they are imported only when their command runs). Start-up is dominated by resolving and loading hundreds of
// small files (the @stdlib distributions alone are about 150 packages); the bundle makes that a handful of files.
// Packages that are native, large or only used by the server stay external and load from node_modules when needed.
import { rmSync } from "node:fs";
import { build } from "esbuild";

// chunks are content-named: without this, every build would leave the previous ones behind
rmSync("dist/cli", { recursive: true, force: true });

await build({
  entryPoints: ["dist/src/cli/main.js"],
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  outdir: "dist/cli",
  logLevel: "warning",
  legalComments: "none",
  // smaller files parse faster; identifiers kept so that an internal error's stack trace stays readable
  minifyWhitespace: true,
  minifySyntax: true,
  external: ["fastify", "@fastify/*", "piscina", "pg", "better-sqlite3", "kysely", "exceljs", "docx", "@resvg/resvg-js", "preact", "preact/*"],
  // Bundled CommonJS packages call require(); give the ESM chunks one.
  banner: { js: "import { createRequire as __decidua_createRequire } from 'node:module'; const require = __decidua_createRequire(import.meta.url);" },
});
