import { BlockList, isIP } from "node:net";
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
  /**
   * Hands the email to the SMTP server; resolves with the Message-ID once the server accepted it.
   * Fails with an SmtpSendError (read it with smtpFailureOf).
   */
  send(email: OutgoingEmail): Promise<{ messageId: string }>;
};

export type SmtpTimeouts = {
  connectionTimeout: number;
  greetingTimeout: number;
  /** Silence on the socket: a server that keeps talking without ever answering never trips it. */
  socketTimeout: number;
  /** The whole send, from connecting to the last reply: the bound the socket timeout cannot give. */
  sendTimeout: number;
};

/**
 * Bounds on each SMTP exchange. nodemailer's own defaults (two minutes to connect, ten of silence, no
 * bound on the whole) would hold an Inngest step long past the point where retrying it is the better course.
 */
export const SMTP_TIMEOUTS: SmtpTimeouts = {
  connectionTimeout: 10_000,
  greetingTimeout: 10_000,
  socketTimeout: 30_000,
  sendTimeout: 60_000,
};

/**
 * Sends over SMTP to `smtpUrl`, with the user and password the URL carries. `timeouts` is for tests,
 * which cannot wait for the real bounds; so is `offMachine`, which says whether the server counts as
 * another host (by default: whether the URL names one), since tests may only reach loopback addresses.
 */
export function createMailer(options: {
  smtpUrl: string;
  from: string;
  timeouts?: Partial<SmtpTimeouts>;
  offMachine?: boolean;
}): Mailer {
  const { sendTimeout, ...socketTimeouts } = { ...SMTP_TIMEOUTS, ...options.timeouts };
  // nodemailer upgrades smtp:// with STARTTLS only when the server offers it, and otherwise sends AUTH
  // in clear text: a credential in the URL must not leave the machine unencrypted.
  const requireTLS = sendsCredentials(options.smtpUrl) && (options.offMachine ?? namesAnotherHost(options.smtpUrl));
  return {
    async send(email) {
      const dialogue = followSmtpDialogue();
      // A transport per send, so the transaction log it follows is this send's alone (unpooled,
      // nodemailer opens a connection per message anyway).
      const transport = nodemailer.createTransport({
        url: options.smtpUrl,
        ...socketTimeouts,
        requireTLS,
        logger: dialogue.logger,
        transactionLog: true,
      });
      try {
        const info = await transport.sendMail({
          from: options.from,
          ...email,
          signal: AbortSignal.timeout(sendTimeout),
        });
        return { messageId: info.messageId };
      } catch (error) {
        throw new SmtpSendError(error, dialogue.dataSent);
      } finally {
        transport.close();
      }
    },
  };
}

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet("127.0.0.0", 8, "ipv4");
LOOPBACK.addAddress("::1", "ipv6");

/** An smtp:// URL with a user or password, to a host other than this machine. */
/** An smtp:// URL with a user or a password: AUTH would go in clear text unless STARTTLS is required. */
function sendsCredentials(smtpUrl: string): boolean {
  const url = new URL(smtpUrl);
  return url.protocol === "smtp:" && Boolean(url.username || url.password);
}

/** Whether the URL's host is another machine: anything but localhost and the loopback addresses. */
export function namesAnotherHost(smtpUrl: string): boolean {
  const host = new URL(smtpUrl).hostname.replace(/^\[|\]$/g, "");
  const family = isIP(host);
  if (family === 0) return host !== "localhost";
  return !LOOPBACK.check(host, family === 4 ? "ipv4" : "ipv6");
}

/**
 * Follows one SMTP dialogue through nodemailer's transaction log, for the one thing its errors do not
 * say: whether the DATA command went out. nodemailer (10.6) tags every socket failure `command: "CONN"`,
 * whatever stage it broke off at, so a connection refused and a connection dropped right after the
 * message's final "." look alike. Counting from DATA rather than from the final "." errs towards "in
 * doubt": a drop between the two is not sent again although the server could not have kept anything.
 */
function followSmtpDialogue() {
  const dialogue = {
    dataSent: false,
    logger: {
      debug(entry: unknown, message: unknown) {
        if ((entry as { tnx?: unknown } | undefined)?.tnx === "client" && message === "DATA") dialogue.dataSent = true;
      },
      // Everything else nodemailer logs is dropped: it names the addresses.
      trace() {},
      info() {},
      warn() {},
      error() {},
      fatal() {},
    },
  };
  return dialogue;
}

/**
 * A send that failed, with nodemailer's diagnosis: its codes only, never the server's text (which can
 * quote the address), so it is safe to log.
 */
export class SmtpSendError extends Error {
  override name = "SmtpSendError";
  /** nodemailer's error code: ECONNECTION, ETIMEDOUT, EAUTH, EENVELOPE, EMESSAGE, EABORT... */
  readonly code: string | undefined;
  /** The SMTP command the failure answered (CONN for anything at the socket). */
  readonly command: string | undefined;
  readonly responseCode: number | undefined;
  /** Which timer ran out: CONNECT_TIMEOUT, GREETING_TIMEOUT, SOCKET_TIMEOUT... */
  readonly timeoutType: string | undefined;
  /** The system error under nodemailer's code: ECONNREFUSED, ECONNRESET... */
  readonly originalCode: string | undefined;
  /** The DATA command had gone out: from then on, the server may hold the message. */
  readonly dataSent: boolean;

  constructor(cause: unknown, dataSent: boolean) {
    const fields = (cause ?? {}) as Record<string, unknown>;
    const text = (key: string) => (typeof fields[key] === "string" ? fields[key] : undefined);
    const code = fields.name === "AbortError" ? "EABORT" : text("code");
    const responseCode = typeof fields.responseCode === "number" ? fields.responseCode : undefined;
    super(
      `SMTP send failed: ${code ?? "no code"} at ${text("command") ?? "no command"}, reply ${responseCode ?? "none"}`,
      {
        cause,
      },
    );
    this.code = code;
    this.command = text("command");
    this.responseCode = responseCode;
    this.timeoutType = text("timeoutType");
    this.originalCode = text("originalCode");
    this.dataSent = dataSent;
  }
}

/**
 * What a failed send means for the email:
 * - `deferred`: nothing was handed over: a 4xx, a failure before the DATA command (no connection, no
 *   greeting, a timeout), or a 5xx to the session rather than to this message (greeting, EHLO,
 *   STARTTLS, AUTH, MAIL FROM: a configuration to fix, not a recipient to give up on). Sending again
 *   is safe.
 * - `rejected`: the server refused this message for good: a 5xx to RCPT TO or to the end of DATA.
 * - `unknown`: the exchange broke off without a reply after DATA: the server may have accepted it.
 */
export type SmtpFailure = {
  outcome: "deferred" | "rejected" | "unknown";
  responseCode: number | undefined;
  /** Safe to log: codes only. */
  diagnosis: Pick<SmtpSendError, "code" | "command" | "timeoutType" | "originalCode" | "dataSent">;
};

export function smtpFailureOf(error: unknown): SmtpFailure {
  if (!(error instanceof SmtpSendError)) {
    const diagnosis = { code: undefined, command: undefined, timeoutType: undefined, originalCode: undefined };
    return { outcome: "unknown", responseCode: undefined, diagnosis: { ...diagnosis, dataSent: true } };
  }
  const { responseCode: reply, code, command, timeoutType, originalCode, dataSent } = error;
  const failure = (outcome: SmtpFailure["outcome"]): SmtpFailure => ({
    outcome,
    responseCode: reply,
    diagnosis: { code, command, timeoutType, originalCode, dataSent },
  });
  if (reply !== undefined && reply >= 400 && reply < 500) return failure("deferred");
  if (reply !== undefined && reply >= 500) return failure(refusesThisMessage(command, code) ? "rejected" : "deferred");
  return failure(dataSent ? "unknown" : "deferred");
}

/** A 5xx to RCPT TO (this recipient) or to the message itself (EMESSAGE: the reply to the final "."). */
function refusesThisMessage(command: string | undefined, code: string | undefined): boolean {
  return command === "RCPT TO" || (command === "DATA" && code === "EMESSAGE");
}
