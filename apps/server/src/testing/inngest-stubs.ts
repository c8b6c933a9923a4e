import { createHmac } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import canonicalize from "canonicalize";
import { afterAll, beforeAll, beforeEach } from "vitest";

export type SentEvent = { id?: string; name: string; data: Record<string, unknown>; ts?: number };

/**
 * How the stand-in answers: `accept` as Inngest does, `fail` with a 500 (Inngest having an outage), or
 * `stall`: read the request and never answer, as behind a hung load balancer.
 */
export type InngestStubMode = "accept" | "fail" | "stall";

/**
 * A loopback stand-in for Inngest's Event API (`POST /e/:eventKey`), reached through the client's
 * base URL. It records the events it accepts, and answers the way Inngest does, or fails or stalls.
 */
export type InngestEventApiStub = {
  url: string;
  events: SentEvent[];
  stats: { requests: number; abandoned: number };
  setMode(mode: InngestStubMode): void;
  /** Forgets the events and counts, and accepts again. */
  reset(): void;
  /** Stops the stub, dropping any request it still holds open. */
  close(): Promise<void>;
};

/**
 * One stub for the enclosing describe block: listening from its beforeAll hooks (read `url` there, not
 * while the suite is collected), reset before each test, closed after its last.
 */
export function useInngestEventApiStub(): InngestEventApiStub {
  const { stub, listen } = createInngestEventApiStub();
  beforeAll(() => listen());
  afterAll(() => stub.close());
  beforeEach(() => stub.reset());
  return stub;
}

/** `port` lets a test start it where a server already expects Inngest (to play an outage's end). */
export async function startInngestEventApiStub(options: { port?: number } = {}): Promise<InngestEventApiStub> {
  const { stub, listen } = createInngestEventApiStub();
  await listen(options.port);
  return stub;
}

/** The stub, not yet listening: `listen` binds the port (any free one by default) and sets `stub.url`. */
function createInngestEventApiStub(): { stub: InngestEventApiStub; listen(port?: number): Promise<void> } {
  let mode: InngestStubMode = "accept";
  const server = createServer((req, res) => {
    stub.stats.requests += 1;
    let body = "";
    req.on("data", (chunk) => {
      body += chunk;
    });
    req.on("end", () => {
      if (mode === "stall") {
        // The client hanging up is the only way this request ends.
        res.on("close", () => {
          stub.stats.abandoned += 1;
        });
        return;
      }
      if (mode === "fail") {
        res.writeHead(500, { "Content-Type": "application/json" });
        res.end(JSON.stringify({ error: "internal server error", status: 500 }));
        return;
      }
      const received = JSON.parse(body) as SentEvent | SentEvent[];
      const batch = Array.isArray(received) ? received : [received];
      stub.events.push(...batch);
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ ids: batch.map((e, i) => e.id ?? `evt_${stub.events.length + i}`), status: 200 }));
    });
  });
  const stub: InngestEventApiStub = {
    url: "",
    events: [],
    stats: { requests: 0, abandoned: 0 },
    setMode(next) {
      mode = next;
    },
    reset() {
      stub.events.length = 0;
      stub.stats.requests = 0;
      stub.stats.abandoned = 0;
      mode = "accept";
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const listen = async (port = 0) => {
    await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
    stub.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  };
  return { stub, listen };
}

/**
 * Signs a request body the way Inngest signs its calls to a serve() endpoint: HMAC-SHA256, keyed with
 * the signing key minus its `signkey-<env>-` prefix, over the canonical JSON of the body followed by
 * the Unix timestamp; sent as `X-Inngest-Signature: t=<ts>&s=<hex>`.
 */
export function signInngestRequest(body: unknown, signingKey: string, at = new Date()): string {
  const ts = Math.floor(at.getTime() / 1000).toString();
  const key = signingKey.replace(/^signkey-\w+-/, "");
  const mac = createHmac("sha256", key)
    .update(canonicalize(body) ?? "")
    .update(ts)
    .digest("hex");
  return `t=${ts}&s=${mac}`;
}

export type StepOp = { id: string; op: string; name?: string; opts?: unknown; data?: unknown; error?: unknown };

/**
 * Plays Inngest's executor for one run: calls the function over HTTP, feeds each step's result back in,
 * and repeats until the function finishes, as Inngest does between steps. Returns the final response;
 * a step that threw ends the attempt there (206 with a StepError op), and `noRetry` says whether Inngest
 * would try again. A batched function's run gets `events`, all of its batch; `event` is its first.
 */
export async function driveInngestRun(options: {
  serveUrl: string;
  appId: string;
  functionId: string;
  event: SentEvent;
  /** The whole batch of a batched function's run, `event` first; `[event]` when not given. */
  batch?: readonly SentEvent[];
  signingKey: string | undefined;
  maxCalls?: number;
  /**
   * What each step.waitForEvent resolves to, as Inngest would resume the run: the awaited event, or null
   * when the wait ran out. Without it, a wait fails the drive.
   */
  waitForEvent?: (op: StepOp) => unknown;
}): Promise<{ status: number; body: unknown; calls: number; noRetry: boolean }> {
  const steps: Record<string, { type: "data"; data: unknown }> = {};
  const now = Date.now();
  const events = (options.batch ?? [options.event]).map((event, index) => ({
    ...event,
    id: event.id ?? (index === 0 ? "evt_test" : `evt_test${index}`),
    ts: event.ts ?? now,
  }));
  const [event] = events;
  const url = new URL(options.serveUrl);
  url.searchParams.set("fnId", `${options.appId}-${options.functionId}`);
  url.searchParams.set("stepId", "step");
  for (let call = 1; call <= (options.maxCalls ?? 10); call++) {
    const body = {
      version: 2,
      event,
      events,
      steps,
      ctx: {
        run_id: "01JTESTRUN00000000000000000",
        attempt: 0,
        disable_immediate_execution: false,
        use_api: false,
        stack: { stack: Object.keys(steps), current: Object.keys(steps).length - 1 },
      },
    };
    const headers: Record<string, string> = { "Content-Type": "application/json" };
    if (options.signingKey) headers["X-Inngest-Signature"] = signInngestRequest(body, options.signingKey);
    const response = await fetch(url, { method: "POST", headers, body: JSON.stringify(body) });
    const responseBody = await response.json().catch(() => null);
    const outcome = {
      status: response.status,
      body: responseBody,
      calls: call,
      noRetry: response.headers.get("x-inngest-no-retry") === "true",
    };
    if (response.status !== 206) return outcome;
    url.searchParams.set("stepId", "step");
    for (const op of responseBody as StepOp[]) {
      if (op.op === "StepPlanned") url.searchParams.set("stepId", op.id);
      else if (op.op === "StepRun" || op.op === "Step") steps[op.id] = { type: "data", data: op.data };
      // A failed step is Inngest's cue to retry the run later: this run ends here, failed.
      else if (op.op === "StepError" || op.op === "StepFailed") return outcome;
      else if (op.op === "WaitForEvent" && options.waitForEvent)
        steps[op.id] = { type: "data", data: options.waitForEvent(op) };
      else throw new Error(`Unexpected step op ${op.op}`);
    }
  }
  throw new Error("The run did not finish within maxCalls");
}
