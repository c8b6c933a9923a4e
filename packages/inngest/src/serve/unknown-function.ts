import { headerKeys, Middleware, queryKeys } from "inngest";

/**
 * A signed run request for a function this app does not serve gets 404 with a short JSON body. The SDK
 * answers it with a 500 carrying the error's stack (absolute paths of this server's files included), and
 * a 500 reads as our fault in the logs; the likely cause is an app synced from another deploy.
 *
 * The check runs after `next()`: the SDK verifies the signature in there, so a caller without a valid
 * one still gets the SDK's 401 and learns nothing about which functions exist. `fn` is the SDK's own
 * lookup of the `fnId` query parameter (null when it found none); a probe, which names no function, is
 * answered before any lookup and passes through.
 */
export function unknownFunctionMiddleware(): Middleware.Class {
  return class UnknownFunctionMiddleware extends Middleware.BaseMiddleware {
    readonly id = "clerk-user-sync:unknown-function";

    override async wrapRequest({ fn, next, requestInfo }: Middleware.WrapRequestArgs): Promise<Middleware.Response> {
      const response = await next();
      const namesFunction = requestInfo.url.searchParams.has(queryKeys.FnId);
      if (fn !== null || !namesFunction || response.status !== 500) return response;
      // The SDK signed the body it meant to send; this one replaces it.
      const { [headerKeys.Signature]: _signatureOfReplacedBody, ...headers } = response.headers;
      return {
        status: 404,
        headers: { ...headers, "Content-Type": "application/json" },
        body: JSON.stringify({ error: "This app has no function with that fnId: sync the app again" }),
      };
    }
  };
}
