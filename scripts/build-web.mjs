// Bundles the browser application (src/web/app) into dist/web with esbuild.
// Usage: node scripts/build-web.mjs [OUTDIR]   (default dist/web; the browser tests build into a temp dir)
import { build } from "esbuild";
import { cpSync, existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";

const entry = "src/web/app/main.tsx";
const outdir = process.argv[2] ?? "dist/web";
mkdirSync(outdir, { recursive: true });
if (existsSync(entry)) {
  await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    // no source maps in the served bundle (DECIDUA_WEB_SOURCEMAP=1 for local debugging only)
    sourcemap: process.env.DECIDUA_WEB_SOURCEMAP === "1",
    format: "esm",
    target: "es2022",
    jsx: "automatic",
    jsxImportSource: "preact",
    outfile: join(outdir, "app.js"),
    logLevel: "warning",
    legalComments: "none",
  });
}
if (existsSync("src/web/public")) cpSync("src/web/public", outdir, { recursive: true });
