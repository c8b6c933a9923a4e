import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";
import { pinoHttp } from "pino-http";
import { authStateOf } from "../auth/clerk-auth.ts";

const REQUEST_ID = /^[\w.-]{1,128}$/;

/**
 * One structured line per request, tagged with a request id (the caller's X-Request-Id when it looks
 * like one, a new UUID otherwise, echoed back). Only method, path and status are logged: never headers,
 * so session tokens, cookies and webhook signatures cannot end up in the logs, and never query strings.
 * A request made through impersonation also names who acted and as whom (`actorId`, `userId`, from the
 * verified session), so what an impersonator did can be traced to them.
 */
export function requestLogger(logger: Logger) {
  return pinoHttp({
    logger,
    genReqId(req: IncomingMessage, res: ServerResponse) {
      const given = req.headers["x-request-id"];
      const id = typeof given === "string" && REQUEST_ID.test(given) ? given : randomUUID();
      res.setHeader("X-Request-Id", id);
      return id;
    },
    serializers: {
      req: (req: { id: string; method: string; url: string }) => ({
        id: req.id,
        method: req.method,
        path: req.url.split("?")[0],
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    // A 503 is the server saying it is not ready (a /healthz probe while migrations are pending, the
    // webhook route without its secret): expected, and logged by whatever decided it, so a warning.
    customLogLevel: (_req, res, err) =>
      err ? "error" : res.statusCode === 503 ? "warn" : res.statusCode >= 500 ? "error" : "info",
    // One short line a person can read at a glance (development shows only this); never the query string.
    customSuccessMessage: (req, res) => describeRequest(req, res),
    customErrorMessage: (req, res) => describeRequest(req, res),
    // For a status alone pino-http invents an Error ("failed with status code 503") whose stack points
    // into pino-http: noise. A real failure is logged with its own stack where it is handled (app.ts).
    customErrorObject: (_req, res, error, fields: Record<string, unknown>) =>
      error.message === `failed with status code ${res.statusCode}` ? { ...fields, err: undefined } : fields,
    // Asked when the request starts (nobody verified yet) and again when it ends, after clerkAuthMiddleware.
    customProps: (_req, res) => {
      const { actor, userId } = authStateOf(res);
      return actor ? { actorId: actor.sub, userId } : {};
    },
  });
}

function describeRequest(req: IncomingMessage, res: ServerResponse): string {
  // Express rewrites req.url inside routers; originalUrl is what was asked.
  const url = (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? "";
  return `${req.method} ${url.split("?")[0]} ${res.statusCode}`;
}
