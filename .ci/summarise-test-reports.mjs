// Adds up the Vitest JSON reports of every package into one closing line, "N passed, N failed",
// because Turborepo interleaves each package's own summary with the others. Arguments: the pass's label
// and its reports' file name.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const label = process.argv[2] ?? "tests";
const reportName = process.argv[3] ?? "vitest-report.json";
let passed = 0;
let failed = 0;
let skipped = 0;
for (const group of ["apps", "packages"]) {
  for (const name of readdirSync(group)) {
    let report;
    try {
      report = JSON.parse(readFileSync(join(group, name, "test-results", reportName), "utf8"));
    } catch {
      continue;
    }
    passed += report.numPassedTests;
    failed += report.numFailedTests;
    skipped += report.numPendingTests + report.numTodoTests;
    console.log(`${group}/${name}: ${report.numPassedTests} passed, ${report.numFailedTests} failed`);
  }
}
console.log(`${label}: ${passed} passed, ${failed} failed, ${skipped} skipped`);
if (failed > 0 || passed === 0) process.exit(1);
