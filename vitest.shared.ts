import { defineConfig } from "vitest/config";

/**
 * Settings every package's Vitest config starts from. In CI each run also writes a JSON report that
 * .ci/run adds up into one closing "N passed, N failed" line.
 */
export const sharedTestConfig = defineConfig({
  test: {
    // Embedded PGlite takes a few seconds to boot on a 2-core machine.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Tests never reach the internet: Clerk's SDKs would otherwise report telemetry.
    env: { CLERK_TELEMETRY_DISABLED: "1" },
    reporters: process.env.CI ? ["default", ["json", { outputFile: "test-results/vitest-report.json" }]] : ["default"],
  },
});
