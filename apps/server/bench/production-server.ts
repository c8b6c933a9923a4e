import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath, pathToFileURL } from "node:url";

const serverDir = fileURLToPath(new URL("..", import.meta.url));
const probe = pathToFileURL(fileURLToPath(new URL("./soak-probe.mjs", import.meta.url))).href;

/** What bench/soak-probe.mjs reports from inside the server process. */
export type ServerReading = { memory: NodeJS.MemoryUsage; cpu: NodeJS.CpuUsage };

export type ProductionServer = Awaited<ReturnType<typeof startProductionServer>>;

/** `pnpm --filter @repo/server build`: the esbuild bundle in dist/main.js, from the current source. */
export async function buildServer(): Promise<void> {
  const child = spawn(process.execPath, ["build.mjs"], { cwd: serverDir, stdio: ["ignore", "ignore", "pipe"] });
  const stderr = collectTail(child.stderr, 40);
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  if (code !== 0) throw new Error(`building the server failed (exit ${code}):\n${stderr.lines.join("\n")}`);
}

/**
 * The built server as `pnpm --filter ./apps/server start` runs it (NODE_ENV=production, node
 * --enable-source-maps dist/main.js), configured by `env` alone: nothing else from this shell reaches it,
 * so a stray INNGEST_DEV or DATABASE_URL here cannot change what is measured. Two additions, both outside
 * the app: --expose-gc, and the soak probe preloaded to answer memory readings over IPC.
 */
export async function startProductionServer(options: { url: string; env: Record<string, string> }) {
  const child: ChildProcess = spawn(
    process.execPath,
    ["--expose-gc", "--import", probe, "--enable-source-maps", "dist/main.js"],
    {
      cwd: serverDir,
      env: { PATH: process.env.PATH ?? "", ...options.env, NODE_ENV: "production" },
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    },
  );
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  const stderr = collectTail(child.stderr, 40);
  const log = watchLog(child.stdout);

  // Up when /healthz says the database answers; a server that exits first fails with its own words.
  const deadline = Date.now() + 30_000;
  for (;;) {
    const status = await Promise.race([
      fetch(`${options.url}/healthz`).then(
        (response) => response.status,
        () => undefined,
      ),
      exited.then((code) => {
        throw new Error(`the production server exited with ${code}:\n${[...log.tail, ...stderr.lines].join("\n")}`);
      }),
    ]);
    if (status === 200) break;
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`the production server did not answer /healthz with 200 within 30 s (last: ${status})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  return {
    url: options.url,
    /** Warnings and errors the server logged (pino level >= 40), and the first 100 of them. */
    log,
    /** The server's memory and CPU time so far; after two full collections when `gc` is set. */
    read: (reading: { gc: boolean }) =>
      Promise.race([
        new Promise<ServerReading>((resolve, reject) => {
          child.once("message", (answer: ServerReading & { error?: string }) =>
            answer.error ? reject(new Error(answer.error)) : resolve(answer),
          );
          child.send({ type: "soak-probe", gc: reading.gc });
        }),
        exited.then((code): never => {
          throw new Error(`the production server exited with ${code} while the soak ran:\n${log.tail.join("\n")}`);
        }),
      ]),
    /** SIGTERM, as a deploy would stop it: the server finishes in-flight requests and closes its pool. */
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Counts the server's warning and error lines (JSON, one a line), keeps the first 100 and the last 20 lines. */
function watchLog(stream: NodeJS.ReadableStream | null) {
  const log = { warnings: 0, errors: 0, problems: [] as string[], tail: [] as string[] };
  let pending = "";
  stream?.setEncoding("utf8");
  stream?.on("data", (chunk: string) => {
    const lines = (pending + chunk).split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) {
      log.tail.push(line);
      if (log.tail.length > 20) log.tail.shift();
      // Only the level is needed, and the server writes thousands of lines: no JSON.parse per line.
      const level = Number(/"level":(\d+)/.exec(line)?.[1] ?? 0);
      if (level < 40) continue;
      if (level >= 50) log.errors += 1;
      else log.warnings += 1;
      if (log.problems.length < 100) log.problems.push(line);
    }
  });
  return log;
}

function collectTail(stream: NodeJS.ReadableStream | null, keep: number) {
  const tail = { lines: [] as string[] };
  stream?.setEncoding("utf8");
  stream?.on("data", (chunk: string) => {
    tail.lines.push(...chunk.split("\n").filter(Boolean));
    tail.lines.splice(0, Math.max(0, tail.lines.length - keep));
  });
  return tail;
}
