#!/usr/bin/env node
// Thin launcher: the bundled CLI lives in dist/cli (built by `npm install` via the prepare script; scripts/build-cli.mjs).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const entry = join(root, "dist", "cli", "main.js");
if (!existsSync(entry)) {
  process.stderr.write("decidua: the build is missing (dist/). Run `npm install` or `npm run build` first.\n");
  process.exit(2);
}
// a reader that stops early (`decidua ... | head`) closes the pipe: stop writing, quietly, as Unix tools do
for (const stream of [process.stdout, process.stderr])
  stream.on("error", (e) => {
    if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw e;
  });
const { main } = await import(entry);
process.exitCode = await main(process.argv.slice(2));
