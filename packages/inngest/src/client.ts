import { Inngest, type Logger } from "inngest";

export const INNGEST_APP_ID = "clerk-user-sync";

export type InngestClientOptions = {
  /** Where events are sent; tests point it at a loopback stand-in. Defaults to INNGEST_BASE_URL / Inngest Cloud. */
  baseUrl?: string;
  eventKey?: string;
  signingKey?: string;
  isDev?: boolean;
  logger?: Logger;
};

/**
 * The Inngest client. Keys and mode come from Inngest's own environment variables
 * (INNGEST_EVENT_KEY, INNGEST_SIGNING_KEY, INNGEST_DEV, INNGEST_BASE_URL) unless given here.
 */
export function createInngestClient(options: InngestClientOptions = {}) {
  return new Inngest({ id: INNGEST_APP_ID, ...options });
}

export type InngestClient = ReturnType<typeof createInngestClient>;
