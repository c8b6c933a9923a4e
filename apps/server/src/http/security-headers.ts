import type { IncomingMessage, ServerResponse } from "node:http";
import { parsePublishableKey } from "@clerk/shared/keys";
import helmet from "helmet";

type HelmetMiddleware = ReturnType<typeof helmet>;

/** What helmet does to a response: set a header to a value, or remove one (X-Powered-By). */
type HeaderChange = { name: string; value: string | undefined };

/**
 * helmet's defaults, with a Content-Security-Policy that lets the served web app load Clerk: its
 * browser SDK comes from the instance's Frontend API host (named inside the publishable key), avatars
 * from img.clerk.com, and bot protection from Cloudflare Turnstile.
 *
 * Every directive is a fixed string, so helmet's answer is the same for every request: it is asked once,
 * here, and each request gets those headers in one loop instead of through helmet's chain of a dozen
 * middlewares. (A per-request directive, such as a nonce, would need helmet on every request again:
 * headersSetBy refuses to record one.)
 */
export function securityHeaders(publishableKey: string | undefined) {
  const frontendApi = parsePublishableKey(publishableKey)?.frontendApi;
  const clerkHosts = frontendApi ? [`https://${frontendApi}`] : [];
  const changes = headersSetBy(
    helmet({
      contentSecurityPolicy: {
        directives: {
          "script-src": ["'self'", ...clerkHosts, "https://challenges.cloudflare.com"],
          "connect-src": ["'self'", ...clerkHosts],
          "img-src": ["'self'", "data:", "https://img.clerk.com"],
          "worker-src": ["'self'", "blob:"],
          "frame-src": ["'self'", "https://challenges.cloudflare.com"],
          "style-src": ["'self'", "'unsafe-inline'"],
        },
      },
    }),
  );
  return (_req: IncomingMessage, res: ServerResponse, next: () => void) => {
    for (const { name, value } of changes) {
      if (value === undefined) res.removeHeader(name);
      else res.setHeader(name, value);
    }
    next();
  };
}

/**
 * Runs helmet once on a response that only records what it is told, and returns those changes in order.
 * The request it gets is empty: a directive that reads the request, or helmet finishing later or with an
 * error, throws here at start-up rather than sending every request the same wrong header.
 */
function headersSetBy(middleware: HelmetMiddleware): readonly HeaderChange[] {
  const changes: HeaderChange[] = [];
  const recorder = {
    setHeader(name: string, value: unknown) {
      if (typeof value !== "string") throw new Error(`helmet set ${name} to a non-string: record it per request`);
      changes.push({ name, value });
    },
    removeHeader(name: string) {
      changes.push({ name, value: undefined });
    },
  };
  const noRequest = new Proxy({} as IncomingMessage, {
    get(_target, property) {
      throw new Error(`helmet read the request's ${String(property)}: its headers cannot be computed once`);
    },
  });
  let isDone = false;
  middleware(noRequest, recorder as unknown as ServerResponse, (error?: unknown) => {
    if (error) throw error;
    isDone = true;
  });
  if (!isDone) throw new Error("helmet did not finish at once: its headers cannot be computed once");
  return changes;
}
