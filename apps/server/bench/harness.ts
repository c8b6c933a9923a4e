import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";

export type Row = {
  benchmark: string;
  variant: string;
  value: string;
  /** CPU time the server process spent per request or event. */
  cpu?: string;
  p50?: string;
  p99?: string;
  note?: string;
};

export type Target = Awaited<ReturnType<typeof startTarget>>;

/** Starts bench/target-server.ts in its own process and waits for its port. */
export async function startTarget(mode: "baseline" | "app", env: Record<string, string>) {
  // BENCH_CPU_PROF_DIR=dir writes a V8 CPU profile of each target there, to see where its time goes.
  const profileDir = process.env.BENCH_CPU_PROF_DIR;
  const profiling = profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [];
  const child: ChildProcess = spawn(
    process.execPath,
    [...profiling, "--import", "tsx", fileURLToPath(new URL("./target-server.ts", import.meta.url)), mode],
    { env: { ...process.env, ...env, NODE_ENV: "production" }, stdio: ["ignore", "pipe", "inherit", "ipc"] },
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
    /** The target's CPU time so far (user + system), in microseconds, as its process.cpuUsage() says. */
    cpuMicros: () =>
      new Promise<number>((resolve) => {
        child.once("message", (usage: NodeJS.CpuUsage) => resolve(usage.user + usage.system));
        child.send("cpu-usage");
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/** Runs `work`, and says how long it took and how much CPU time the target spent meanwhile. */
export async function measureOn<T>(target: Target, work: () => Promise<T>) {
  const cpuBefore = await target.cpuMicros();
  const startedAt = performance.now();
  const result = await work();
  const ms = performance.now() - startedAt;
  return { result, ms, cpuMicros: (await target.cpuMicros()) - cpuBefore };
}

/** Warm-up load on each path before it is measured: JIT, pools and caches. */
export const WARM_UP_SECONDS = 2;

export type LoadResult = {
  rps: number;
  /** The server's CPU time per request: steadier than req/s when the machine is shared. */
  cpuMicrosPerRequest: number;
  p50: number;
  p99: number;
  non2xx: number;
};

/**
 * autocannon against each path of one target: same token, connections and duration for every path.
 * Each path is warmed up once, then the paths take turns for `rounds` rounds and each keeps its best
 * round, so a burst of other work on this machine during one round does not decide a ratio.
 */
export async function loadEach(
  target: Target,
  paths: string[],
  options: { headers: Record<string, string>; seconds: number; rounds: number; connections?: number },
): Promise<LoadResult[]> {
  const { headers, seconds, connections = 10 } = options;
  for (const path of paths) {
    await autocannon({ url: `${target.url}${path}`, headers, connections, duration: WARM_UP_SECONDS });
  }
  const best: LoadResult[] = [];
  for (let round = 0; round < options.rounds; round++) {
    for (const [index, path] of paths.entries()) {
      const { result, cpuMicros } = await measureOn(target, () =>
        autocannon({ url: `${target.url}${path}`, headers, connections, duration: seconds }),
      );
      const measured: LoadResult = {
        rps: result.requests.average,
        cpuMicrosPerRequest: cpuMicros / result.requests.total,
        p50: result.latency.p50,
        p99: result.latency.p99,
        non2xx: result.non2xx,
      };
      const previous = best[index];
      if (!previous || measured.rps > previous.rps) best[index] = measured;
    }
  }
  return best;
}

export function markdownTable(rows: Row[]): string {
  const header =
    "| benchmark | variant | result | server CPU | p50 | p99 | note |\n| --- | --- | ---: | ---: | ---: | ---: | --- |";
  const lines = rows.map(
    (r) =>
      `| ${r.benchmark} | ${r.variant} | ${r.value} | ${r.cpu ?? ""} | ${r.p50 ?? ""} | ${r.p99 ?? ""} | ${r.note ?? ""} |`,
  );
  return [header, ...lines].join("\n");
}

export const fmt = (n: number, digits = 0) =>
  n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
