import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";

export type Row = { benchmark: string; variant: string; value: string; p50?: string; p99?: string; note?: string };

/** Starts bench/target-server.ts in its own process and waits for its port. */
export async function startTarget(mode: "baseline" | "app", env: Record<string, string>) {
  const child: ChildProcess = spawn(
    process.execPath,
    ["--import", "tsx", fileURLToPath(new URL("./target-server.ts", import.meta.url)), mode],
    { env: { ...process.env, ...env, NODE_ENV: "production" }, stdio: ["ignore", "pipe", "inherit"] },
  );
  const port = await new Promise<number>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`target ${mode} exited with ${code}`)));
    child.stdout?.on("data", (chunk: Buffer) => {
      const match = /READY (\d+)/.exec(chunk.toString());
      if (match) resolve(Number(match[1]));
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

export type LoadResult = { rps: number; p50: number; p99: number; non2xx: number };

/** autocannon against one URL: same token, connections and duration for every variant. */
export async function load(
  url: string,
  headers: Record<string, string>,
  seconds: number,
  connections = 10,
): Promise<LoadResult> {
  await autocannon({ url, headers, connections, duration: 2 }); // warm-up: JIT, pools, caches
  const result = await autocannon({ url, headers, connections, duration: seconds });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
  };
}

export function markdownTable(rows: Row[]): string {
  const header = "| benchmark | variant | result | p50 | p99 | note |\n| --- | --- | ---: | ---: | ---: | --- |";
  const lines = rows.map(
    (r) => `| ${r.benchmark} | ${r.variant} | ${r.value} | ${r.p50 ?? ""} | ${r.p99 ?? ""} | ${r.note ?? ""} |`,
  );
  return [header, ...lines].join("\n");
}

export const fmt = (n: number, digits = 0) =>
  n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
