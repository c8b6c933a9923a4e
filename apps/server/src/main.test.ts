import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createDb } from "@repo/db/client";
import { sql } from "kysely";
import { describe, expect, it } from "vitest";

const mainPath = fileURLToPath(new URL("./main.ts", import.meta.url));

/** Starts the real entry point as a deployment would, configured only by environment variables. */
function startServer(env: Record<string, string>) {
  const child = spawn(process.execPath, ["--import", "tsx", mainPath], {
    env: { PATH: process.env.PATH ?? "", CLERK_TELEMETRY_DISABLED: "1", PORT: "0", HOST: "127.0.0.1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => {
    output += chunk;
  });
  child.stderr.on("data", (chunk: Buffer) => {
    output += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  const listening = new Promise<string>((resolve, reject) => {
    const poll = setInterval(() => {
      const url = /server listening on (http:\/\/\S+?)"/.exec(output)?.[1];
      if (url) {
        clearInterval(poll);
        resolve(url.replace("localhost", "127.0.0.1"));
      }
    }, 50);
    exited.then(() => {
      clearInterval(poll);
      reject(new Error(`server exited before listening:\n${output}`));
    });
  });
  return { child, exited, listening, output: () => output };
}

describe("main.ts", () => {
  it("starts from the environment, serves, and on SIGTERM exits 0 having closed the database", async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), "pglite-main-")), "db");
    const server = startServer({ PGLITE_DATA_DIR: dataDir });
    const url = await server.listening;
    expect((await fetch(`${url}/healthz`)).status).toBe(200);

    server.child.kill("SIGTERM");
    expect(await server.exited).toBe(0);
    expect(server.output()).toContain("shutting down: finishing in-flight requests");
    // The embedded database was closed cleanly: it opens again, migrated.
    const db = await createDb({ kind: "pglite", dataDir });
    const tables = await sql<{ n: number }>`select count(*)::int as n from users`.execute(db);
    expect(tables.rows[0]?.n).toBe(0);
    await db.destroy();
  });

  it("refuses to start in production without its settings, naming each and never printing values", async () => {
    const server = startServer({ NODE_ENV: "production", CLERK_SECRET_KEY: "sk_live_do-not-print-me" });
    await expect(server.listening).rejects.toThrow();
    expect(await server.exited).toBe(1);
    const output = server.output();
    for (const name of [
      "DATABASE_URL",
      "CLERK_PUBLISHABLE_KEY",
      "CLERK_WEBHOOK_SIGNING_SECRET",
      "INNGEST_SIGNING_KEY",
    ]) {
      expect(output).toContain(`${name} is not set`);
    }
    expect(output).not.toContain("do-not-print-me");
  });
});
