import { Agent, request } from "node:http";

export type HttpRequest = {
  method: "GET" | "POST";
  /** Path and query, sent to the target's 127.0.0.1 port. */
  path: string;
  headers: Record<string, string>;
  body?: string;
};

/** A status code, or what went wrong before one arrived ("timeout", "ECONNRESET"). */
export type HttpResponse = { status: number | string; body: string };

/** One request the soak made: its kind (a table row), its status and how long it took. */
export type Sample = { kind: string; status: number | string; ms: number };

/**
 * One unit of work: one or more requests, each through `call`, which times and records it. A signed
 * Inngest execution is two calls, the second built from the first's answer, as Inngest's executor does.
 */
export type Operation = (call: (kind: string, request: HttpRequest) => Promise<HttpResponse>) => Promise<void>;

/** No request waits longer than this: a stalled server shows up as failures, not as a hung bench. */
const REQUEST_TIMEOUT_MS = 10_000;

/** Keep-alive connections to the target, at most `connections` of them, kept from one phase to the next. */
export function createConnectionPool(connections: number): Agent {
  return new Agent({ keepAlive: true, maxSockets: connections });
}

/**
 * Runs `operations` in order on `connections` concurrent workers, one request in flight each, through
 * `pool` (so at most `connections` sockets), until they are done or `deadline` (a performance.now()
 * value) passes or `signal` aborts, and returns every request's sample.
 */
export async function runOperations(
  target: { port: number; pool: Agent },
  operations: Operation[],
  options: { connections: number; deadline: number; signal: AbortSignal },
): Promise<{ samples: Sample[]; ms: number; stoppedEarly: boolean }> {
  const samples: Sample[] = [];
  const call = async (kind: string, req: HttpRequest): Promise<HttpResponse> => {
    const startedAt = performance.now();
    const response = await send(target.pool, target.port, req);
    samples.push({ kind, status: response.status, ms: performance.now() - startedAt });
    return response;
  };
  let next = 0;
  let stoppedEarly = false;
  const startedAt = performance.now();
  await Promise.all(
    Array.from({ length: options.connections }, async () => {
      while (next < operations.length) {
        if (options.signal.aborted || performance.now() > options.deadline) {
          stoppedEarly = true;
          return;
        }
        const operation = operations[next++] as Operation;
        await operation(call);
      }
    }),
  );
  return { samples, ms: performance.now() - startedAt, stoppedEarly };
}

function send(agent: Agent, port: number, req: HttpRequest): Promise<HttpResponse> {
  return new Promise((resolve) => {
    const headers =
      req.body === undefined ? req.headers : { ...req.headers, "Content-Length": Buffer.byteLength(req.body) };
    const outgoing = request({ agent, host: "127.0.0.1", port, method: req.method, path: req.path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? "no status", body: Buffer.concat(chunks).toString() }));
      res.on("error", (error: NodeJS.ErrnoException) => resolve({ status: error.code ?? error.message, body: "" }));
    });
    outgoing.setTimeout(REQUEST_TIMEOUT_MS, () =>
      outgoing.destroy(Object.assign(new Error("timeout"), { code: "timeout" })),
    );
    outgoing.on("error", (error: NodeJS.ErrnoException) => resolve({ status: error.code ?? error.message, body: "" }));
    outgoing.end(req.body);
  });
}

/** The p-th percentile (0 to 100) of `values`, nearest rank. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}
