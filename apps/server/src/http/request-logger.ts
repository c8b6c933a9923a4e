import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Level, Logger } from "pino";
import { authStateOf } from "../auth/clerk-auth.ts";

const REQUEST_ID = /^[\w.-]{1,128}$/;

/**
 * One structured line per request, tagged with a request id (the caller's X-Request-Id when it looks
 * like one, a new UUID otherwise, echoed back). Only method, path and status are logged: never headers,
 * so session tokens, cookies and webhook signatures cannot end up in the logs, and never query strings.
 * A request made through impersonation also names who acted and as whom (`actorId`, `userId`, from the
 * verified session), so what an impersonator did can be traced to them.
 *
 * Written on pino directly rather than through pino-http: every line's fields are ours anyway, and
 * pino-http builds two child loggers per request (serialising the request into each before anything is
 * known) and a copy of the request with every header for our serializer to pick three fields from. That
 * was a third of the server's CPU on an authenticated tRPC call beyond tRPC's own. Here a request costs
 * its id and two listeners, and the line is built only when its level is logged.
 */
export function requestLogger(logger: Logger) {
  return (req: IncomingMessage, res: ServerResponse, next: () => void) => {
    const given = req.headers["x-request-id"];
    const id = typeof given === "string" && REQUEST_ID.test(given) ? given : randomUUID();
    res.setHeader("X-Request-Id", id);
    const startedAt = Date.now();
    // What was asked: Express rewrites req.url inside routers.
    const url = req.url ?? "";
    let streamError: Error | undefined;
    // A failure of the response stream itself, named in the line; without a listener it would crash the
    // process. A failure inside the app is logged with its own stack where it is handled (app.ts).
    res.on("error", (error) => {
      streamError = error;
    });
    // `close` comes once, when the answer was sent or when the caller went away first: one line either
    // way. (Listeners made here stay unnamed: a named one would cost tsx's __name() on every request.)
    res.on("close", () => {
      const level = levelOf(res.statusCode, streamError);
      if (!logger.isLevelEnabled(level)) return;
      const path = url.split("?")[0];
      const { actor, userId } = authStateOf(res);
      logger[level](
        {
          req: { id, method: req.method, path },
          res: { statusCode: res.statusCode },
          responseTime: Date.now() - startedAt,
          ...(streamError ? { err: streamError } : {}),
          ...(actor ? { actorId: actor.sub, userId } : {}),
        },
        // One short line a person can read at a glance (development shows only this); never the query string.
        `${req.method} ${path} ${res.statusCode}`,
      );
    });
    next();
  };
}

/**
 * A 503 is the server saying it is not ready (a /healthz probe while migrations are pending, the webhook
 * route without its secret): expected, and logged by whatever decided it, so a warning.
 */
function levelOf(statusCode: number, error: Error | undefined): Level {
  if (error) return "error";
  if (statusCode === 503) return "warn";
  return statusCode >= 500 ? "error" : "info";
}
