import { Inngest, type Logger } from "inngest";
import { fetchWithinSendDeadline, SEND_EVENT_TIMEOUT_MS, sendDeadlineMiddleware } from "./send-deadline.ts";
import { createRefusedCallLog, withRefusalsThrottled } from "./serve/refused-calls.ts";
import { unknownFunctionMiddleware } from "./serve/unknown-function.ts";

export { SEND_EVENT_TIMEOUT_MS, SendEventTimeoutError } from "./send-deadline.ts";

export const INNGEST_APP_ID = "clerk-user-sync";

export type InngestClientOptions = {
  /** Where events are sent and the app registers; Inngest Cloud when undefined. Tests use a loopback stand-in. */
  baseUrl?: string | undefined;
  eventKey?: string | undefined;
  signingKey?: string | undefined;
  signingKeyFallback?: string | undefined;
  /** Dev Server mode (no signature checks). Always given: the SDK would otherwise read INNGEST_DEV itself. */
  isDev: boolean;
  /** Where the functions (ctx.logger) and the SDK log; refused calls to serve() become throttled warnings. */
  logger?: Logger;
  /** How long one send() may take in all, retries included (default SEND_EVENT_TIMEOUT_MS). */
  sendTimeoutMs?: number;
};

/**
 * The Inngest client. The mode and keys are given by the caller, from settings it validated once; the
 * mode in particular is always explicit, so the SDK never decides from process.env whether to skip
 * signature checks.
 */
export function createInngestClient(options: InngestClientOptions) {
  const { sendTimeoutMs = SEND_EVENT_TIMEOUT_MS, ...clientOptions } = options;
  const { logger } = clientOptions;
  return new Inngest({
    id: INNGEST_APP_ID,
    ...clientOptions,
    ...(logger ? { internalLogger: withRefusalsThrottled(logger, createRefusedCallLog(logger)) } : {}),
    middleware: [sendDeadlineMiddleware(sendTimeoutMs), unknownFunctionMiddleware()],
    fetch: fetchWithinSendDeadline,
  });
}

export type InngestClient = ReturnType<typeof createInngestClient>;
