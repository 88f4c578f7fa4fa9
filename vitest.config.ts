import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    // two test files at a time: most of the suite waits on real servers, databases and a browser, so on the
    // machine's 2 cores two workers finish in about two-thirds of the time vitest's default (cores - 1 = one) takes
    maxWorkers: 2,
    reporters: ["default"],
  },
});
