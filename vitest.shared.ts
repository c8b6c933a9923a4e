import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

/**
 * Settings every package's Vitest config starts from. In CI each run also writes a JSON report that
 * .ci/run adds up into one closing "N passed, N failed" line.
 */
export const sharedTestConfig = defineConfig({
  test: {
    // Vitest's default leaves a core for itself (cores - 1 workers), which on a 2-core machine runs one
    // test file at a time; the suites spend much of their time waiting on Postgres, PGlite and child
    // processes, so two files at once use both cores.
    maxWorkers: availableParallelism(),
    // Embedded PGlite takes a few seconds to boot on a 2-core machine.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Tests never reach the internet: Clerk's SDKs would otherwise report telemetry.
    env: { CLERK_TELEMETRY_DISABLED: "1" },
    reporters: process.env.CI ? ["default", ["json", { outputFile: `test-results/${reportName()}` }]] : ["default"],
  },
});

/** .ci/run runs a Postgres pass and a PGlite pass at once: each writes a report of its own. */
function reportName(): string {
  const databases = process.env.TEST_DATABASES;
  return databases ? `vitest-report-${databases}.json` : "vitest-report.json";
}
