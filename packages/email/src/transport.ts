import nodemailer from "nodemailer";

/** One email on its way out: the rendered parts and any extra headers (List-Unsubscribe). */
export type OutgoingEmail = {
  to: string;
  subject: string;
  html: string;
  text: string;
  headers?: Record<string, string>;
};

export type Mailer = {
  /** Hands the email to the SMTP server; resolves with the Message-ID once the server accepted it. */
  send(email: OutgoingEmail): Promise<{ messageId: string }>;
  close(): void;
};

/**
 * Bounds on each SMTP exchange. nodemailer's own defaults (two minutes to connect, ten of silence)
 * would hold an Inngest step long past the point where retrying it is the better course.
 */
const SMTP_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 };

/** Sends over SMTP to `smtpUrl`, with the user and password the URL carries. */
export function createMailer(options: { smtpUrl: string; from: string }): Mailer {
  const transport = nodemailer.createTransport({ url: options.smtpUrl, ...SMTP_TIMEOUTS });
  return {
    async send(email) {
      const info = await transport.sendMail({ from: options.from, ...email });
      return { messageId: info.messageId };
    },
    close: () => transport.close(),
  };
}

/**
 * What a failed send means for the email:
 * - `deferred`: the server did not take it and said try later (a 4xx), or could not be reached at all.
 *   Nothing was delivered; sending again is safe.
 * - `rejected`: the server refused it for good (a 5xx). Sending again would be refused again.
 * - `unknown`: the exchange broke off after the message may have been handed over (a timeout or a reset
 *   mid-way): it may or may not have been accepted.
 */
export type SmtpFailure = { outcome: "deferred" | "rejected" | "unknown"; responseCode: number | undefined };

/** Errors nodemailer raises before a message could have been handed over. */
const NOT_CONNECTED = new Set(["ECONNECTION", "EDNS", "ETLS"]);

/** A socket error while connecting (`command` CONN) happened before anything was sent too. */
function failedToConnect(code: unknown, command: unknown): boolean {
  return typeof code === "string" && (NOT_CONNECTED.has(code) || (code === "ESOCKET" && command === "CONN"));
}

export function smtpFailureOf(error: unknown): SmtpFailure {
  const { responseCode, code, command } = (error ?? {}) as {
    responseCode?: unknown;
    code?: unknown;
    command?: unknown;
  };
  const reply = typeof responseCode === "number" ? responseCode : undefined;
  if (reply !== undefined && reply >= 400 && reply < 500) return { outcome: "deferred", responseCode: reply };
  if (reply !== undefined && reply >= 500) return { outcome: "rejected", responseCode: reply };
  if (failedToConnect(code, command)) return { outcome: "deferred", responseCode: reply };
  return { outcome: "unknown", responseCode: reply };
}
