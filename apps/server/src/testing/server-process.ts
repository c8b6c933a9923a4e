import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const mainPath = fileURLToPath(new URL("../main.ts", import.meta.url));

export type ServerProcess = ReturnType<typeof startServerProcess>;

/** Starts the real entry point as a deployment would, configured only by environment variables. */
export function startServerProcess(env: Record<string, string>) {
  const child = spawn(process.execPath, ["--import", "tsx", mainPath], {
    env: {
      PATH: process.env.PATH ?? "",
      CLERK_TELEMETRY_DISABLED: "1",
      PORT: "0",
      HOST: "127.0.0.1",
      // Development without Clerk keys starts the local stand-in for Clerk: on a free port, with its keys
      // in a folder of its own, never the repository's .data/ or a port `pnpm dev` may hold. (Production
      // refuses these settings: it is started without them.)
      ...(env.NODE_ENV === "production"
        ? {}
        : { CLERK_LOCAL_PORT: "0", CLERK_LOCAL_DATA_DIR: mkdtempSync(join(tmpdir(), "clerk-local-")) }),
      ...env,
    },
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
      const url = /server listening on (http:\/\/[\w.:[\]-]+)/.exec(output)?.[1];
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
