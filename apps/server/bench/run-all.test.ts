import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const runAll = fileURLToPath(new URL("run-all.ts", import.meta.url));

function bench(...args: string[]) {
  return spawnSync(process.execPath, ["--import", "tsx", runAll, ...args], {
    // No DATABASE_URL on purpose: usage must not need Postgres.
    env: { PATH: process.env.PATH ?? "" },
    encoding: "utf8",
    timeout: 20_000,
  });
}

describe("pnpm bench", () => {
  it("--help prints its usage and exits 0 without measuring anything", () => {
    const run = bench("--help");
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^Usage: pnpm bench \[--write\] \[section \.\.\.\]/);
    expect(run.stdout).toContain("Sections: auth, sync, backfill, soak.");
    expect(run.stderr).not.toContain("benchmark…");
  });

  it("an unknown section is refused with the usage", () => {
    const run = bench("nope");
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^Unknown benchmark nope: choose from auth, sync, backfill, soak/);
    expect(run.stderr).toContain("Usage: pnpm bench");
  });
});
