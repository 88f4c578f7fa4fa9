/**
 * The declared Node engine tells the truth: every package in the lock file accepts the oldest Node version that
 * package.json's `engines.node` allows, so `npm install` on that version prints no EBADENGINE warning.
 */
import { readFileSync } from "node:fs";
import semver from "semver";
import { describe, expect, it } from "vitest";

const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { engines: { node: string } };
const lock = JSON.parse(readFileSync("package-lock.json", "utf8")) as {
  packages: Record<string, { engines?: { node?: string } | string[] }>;
};

describe("declared Node engine", () => {
  const oldest = semver.minVersion(pkg.engines.node);

  it("names a lower bound", () => {
    expect(oldest).not.toBeNull();
  });

  it("is accepted by every locked package", () => {
    const refusing: string[] = [];
    for (const [path, entry] of Object.entries(lock.packages)) {
      const engines = entry.engines;
      const range = engines && !Array.isArray(engines) ? engines.node : undefined;
      if (range === undefined || oldest === null) continue;
      if (!semver.satisfies(oldest, range)) refusing.push(`${path} wants node ${range}`);
    }
    expect(refusing).toEqual([]);
  });

  it("is met by the Node running the tests", () => {
    expect(semver.satisfies(process.version, pkg.engines.node)).toBe(true);
  });
});
