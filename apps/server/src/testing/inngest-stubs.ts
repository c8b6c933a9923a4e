import { createHmac } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import canonicalize from "canonicalize";

export type SentEvent = { id?: string; name: string; data: Record<string, unknown>; ts?: number };

/**
 * How the stand-in answers: `accept` as Inngest does, `fail` with a 500 (Inngest having an outage), or
 * `stall`: read the request and never answer, as behind a hung load balancer.
 */
export type InngestStubMode = "accept" | "fail" | "stall";

/**
 * A loopback stand-in for Inngest's Event API (`POST /e/:eventKey`), reached through the client's
 * base URL. It records the events it accepts, and answers the way Inngest does, or fails or stalls.
 * `port` lets a test start it where a server already expects Inngest (to play an outage's end).
 */
export async function startInngestEventApiStub(options: { port?: number } = {}) {
  const events: SentEvent[] = [];
  const stats = { requests: 0, abandoned: 0 };
  const stub = { mode: "accept" as InngestStubMode };
  const server = createServer((req, res) => {
    stats.requests += 1;
    let body = "";
    req.on("data", (chunk) => {
      body += chunk;
    });
    req.on("end", () => {
      if (stub.mode === "stall") {
        // The client hanging up is the only way this request ends.
        res.on("close", () => {
          stats.abandoned += 1;
        });
        return;
      }
      if (stub.mode === "fail") {
        res.writeHead(500, { "Content-Type": "application/json" });
        res.end(JSON.stringify({ error: "internal server error", status: 500 }));
        return;
      }
      const received = JSON.parse(body) as SentEvent | SentEvent[];
      const batch = Array.isArray(received) ? received : [received];
      events.push(...batch);
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ ids: batch.map((e, i) => e.id ?? `evt_${events.length + i}`), status: 200 }));
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    events,
    stats,
    setMode(mode: InngestStubMode) {
      stub.mode = mode;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type InngestEventApiStub = Awaited<ReturnType<typeof startInngestEventApiStub>>;

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

type StepOp = { id: string; op: string; data?: unknown; error?: unknown };

/**
 * Plays Inngest's executor for one run: calls the function over HTTP, feeds each step's result back in,
 * and repeats until the function finishes, as Inngest does between steps. Returns the final response;
 * a step that threw ends the attempt there (206 with a StepError op), and `noRetry` says whether Inngest
 * would try again.
 */
export async function driveInngestRun(options: {
  serveUrl: string;
  appId: string;
  functionId: string;
  event: SentEvent;
  signingKey: string | undefined;
  maxCalls?: number;
}): Promise<{ status: number; body: unknown; calls: number; noRetry: boolean }> {
  const steps: Record<string, { type: "data"; data: unknown }> = {};
  const event = { ...options.event, id: options.event.id ?? "evt_test", ts: options.event.ts ?? Date.now() };
  const url = new URL(options.serveUrl);
  url.searchParams.set("fnId", `${options.appId}-${options.functionId}`);
  url.searchParams.set("stepId", "step");
  for (let call = 1; call <= (options.maxCalls ?? 10); call++) {
    const body = {
      version: 2,
      event,
      events: [event],
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
      else throw new Error(`Unexpected step op ${op.op}`);
    }
  }
  throw new Error("The run did not finish within maxCalls");
}
