import type { AddressInfo } from "node:net";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, beforeEach } from "vitest";

/** An email as the SMTP server received it: the raw message, and its parts as a mail client reads them. */
export type ReceivedEmail = {
  /** The envelope recipients (RCPT TO). */
  to: string[];
  subject: string;
  html: string;
  text: string;
  /** Header values by lower-case name, as strings. */
  headers: Map<string, string>;
  raw: string;
};

/**
 * A real SMTP server on a loopback port, in the test process: nodemailer speaks SMTP to it exactly as to
 * a provider. `refuseNext(code)` makes it answer the next message's end of DATA with that reply code (451:
 * try later, 550: refused for good) instead of accepting it.
 */
export type TestSmtpServer = {
  url: string;
  received: ReceivedEmail[];
  refuseNext(code: number, times?: number): void;
  /** Forgets what was received and refuses nothing. */
  reset(): void;
  close(): Promise<void>;
};

export async function startTestSmtpServer(): Promise<TestSmtpServer> {
  const refusals: number[] = [];
  const received: ReceivedEmail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        const refusal = refusals.shift();
        if (refusal !== undefined) {
          const error = Object.assign(new Error(`Refused by the test server (${refusal})`), { responseCode: refusal });
          callback(error);
          return;
        }
        const raw = Buffer.concat(chunks).toString("utf8");
        simpleParser(raw).then(
          (parsed) => {
            received.push({
              to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
              subject: parsed.subject ?? "",
              html: typeof parsed.html === "string" ? parsed.html : "",
              text: parsed.text ?? "",
              headers: new Map(
                parsed.headerLines.map((line) => [line.key, line.line.slice(line.key.length + 1).trim()]),
              ),
              raw,
            });
            callback();
          },
          (error: Error) => callback(error),
        );
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    refuseNext(code, times = 1) {
      for (let i = 0; i < times; i++) refusals.push(code);
    },
    reset() {
      received.length = 0;
      refusals.length = 0;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** One test SMTP server for the enclosing describe block, emptied before each test. */
export function useTestSmtpServer(): TestSmtpServer {
  let started: TestSmtpServer | undefined;
  const current = () => {
    if (!started) throw new Error("The test SMTP server runs from the suite's beforeAll hooks to its afterAll hooks");
    return started;
  };
  beforeAll(async () => {
    started = await startTestSmtpServer();
  });
  afterAll(async () => {
    await started?.close();
    started = undefined;
  });
  beforeEach(() => current().reset());
  return {
    get url() {
      return current().url;
    },
    get received() {
      return current().received;
    },
    refuseNext: (code, times) => current().refuseNext(code, times),
    reset: () => current().reset(),
    close: () => current().close(),
  };
}
