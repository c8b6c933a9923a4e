import { Inngest, type Logger } from "inngest";
import { fetchWithinSendDeadline, SEND_EVENT_TIMEOUT_MS, sendDeadlineMiddleware } from "./send-deadline.ts";

export { SEND_EVENT_TIMEOUT_MS, SendEventTimeoutError } from "./send-deadline.ts";

export const INNGEST_APP_ID = "clerk-user-sync";

export type InngestClientOptions = {
  /** Where events are sent; tests point it at a loopback stand-in. Defaults to INNGEST_BASE_URL / Inngest Cloud. */
  baseUrl?: string;
  eventKey?: string;
  signingKey?: string;
  isDev?: boolean;
  logger?: Logger;
  /** How long one send() may take in all, retries included (default SEND_EVENT_TIMEOUT_MS). */
  sendTimeoutMs?: number;
};

/**
 * The Inngest client. Keys and mode come from Inngest's own environment variables
 * (INNGEST_EVENT_KEY, INNGEST_SIGNING_KEY, INNGEST_DEV, INNGEST_BASE_URL) unless given here.
 */
export function createInngestClient(options: InngestClientOptions = {}) {
  const { sendTimeoutMs = SEND_EVENT_TIMEOUT_MS, ...clientOptions } = options;
  return new Inngest({
    id: INNGEST_APP_ID,
    ...clientOptions,
    middleware: [sendDeadlineMiddleware(sendTimeoutMs)],
    fetch: fetchWithinSendDeadline,
  });
}

export type InngestClient = ReturnType<typeof createInngestClient>;
