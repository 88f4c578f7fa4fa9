// Bundles the browser application (src/web/app) into dist/web with esbuild.
import { build } from "esbuild";
import { cpSync, existsSync, mkdirSync } from "node:fs";

const entry = "src/web/app/main.tsx";
mkdirSync("dist/web", { recursive: true });
if (existsSync(entry)) {
  await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    sourcemap: true,
    format: "esm",
    target: "es2022",
    jsx: "automatic",
    jsxImportSource: "preact",
    outfile: "dist/web/app.js",
    logLevel: "warning",
  });
}
if (existsSync("src/web/public")) cpSync("src/web/public", "dist/web", { recursive: true });
