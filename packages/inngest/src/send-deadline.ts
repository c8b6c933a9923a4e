import { AsyncLocalStorage } from "node:async_hooks";
import { Middleware, type SendEventBaseOutput } from "inngest";

/**
 * How long one `inngest.send()` may take in all, the SDK's own retries included (it makes up to five
 * attempts, with pauses between them). The webhook waits for it before answering Svix, which gives up
 * on a delivery after 15 s: past this bound the webhook answers 503 in time and Svix retries later,
 * instead of Svix timing out while the SDK still retries a stalled Inngest.
 */
export const SEND_EVENT_TIMEOUT_MS = 10_000;

export class SendEventTimeoutError extends Error {
  override name = "SendEventTimeoutError";
}

/** The deadline of the send() in progress, which fetchWithinSendDeadline reads. */
const sendDeadline = new AsyncLocalStorage<AbortSignal>();

/**
 * Bounds every send() of the client to `timeoutMs`: past it, send() fails with SendEventTimeoutError,
 * the request in flight is aborted, and so is any attempt the SDK still makes (when the client's fetch
 * is fetchWithinSendDeadline). An event that did reach Inngest before the abort is harmless: the retry
 * carries the same event id, and Inngest drops the duplicate.
 */
export function sendDeadlineMiddleware(timeoutMs: number): Middleware.Class {
  return class SendDeadlineMiddleware extends Middleware.BaseMiddleware {
    readonly id = "clerk-user-sync:send-deadline";

    override async wrapSendEvent({ next }: Middleware.WrapSendEventArgs): Promise<SendEventBaseOutput> {
      const deadline = new AbortController();
      const timer = setTimeout(
        () => deadline.abort(new SendEventTimeoutError(`Inngest did not accept the event within ${timeoutMs} ms`)),
        timeoutMs,
      );
      const deadlinePassed = new Promise<never>((_, reject) => {
        deadline.signal.addEventListener("abort", () => reject(deadline.signal.reason), { once: true });
      });
      try {
        return await Promise.race([sendDeadline.run(deadline.signal, next), deadlinePassed]);
      } finally {
        clearTimeout(timer);
      }
    }
  };
}

/**
 * The Inngest client's fetch: a request made by a send() is aborted when that send's deadline passes;
 * every other request (registration, the REST API) is left alone. The abort is reported the way fetch
 * reports a network failure (TypeError "fetch failed"), which the SDK treats as one instead of logging
 * it as a misconfigured fetch.
 */
export async function fetchWithinSendDeadline(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const deadline = sendDeadline.getStore();
  if (!deadline) return fetch(input, init);
  const signal = init?.signal ? AbortSignal.any([init.signal, deadline]) : deadline;
  try {
    return await fetch(input, { ...init, signal });
  } catch (error) {
    if (deadline.aborted) throw new TypeError("fetch failed: the send's deadline passed", { cause: error });
    throw error;
  }
}
