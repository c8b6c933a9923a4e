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
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? "error" : "info"),
    // Asked when the request starts (nobody verified yet) and again when it ends, after clerkAuthMiddleware.
    customProps: (_req, res) => {
      const { actor, userId } = authStateOf(res);
      return actor ? { actorId: actor.sub, userId } : {};
    },
  });
}
