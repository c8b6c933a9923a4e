import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type RawSmtpServer, startRawSmtpServer } from "./testing/raw-smtp-server.ts";
import { useTestSmtpServer } from "./testing/test-smtp-server.ts";
import { createMailer, namesAnotherHost, type SmtpTimeouts, smtpFailureOf } from "./transport.ts";

const email = { to: "ada@example.com", subject: "Hello", html: "<p>Hello</p>", text: "Hello" };

describe("the SMTP transport", () => {
  const smtp = useTestSmtpServer();

  it("hands the email to the server and returns the Message-ID it carried", async () => {
    const mailer = createMailer({ smtpUrl: smtp.url, from: "Acme <hello@acme.example>" });
    const { messageId } = await mailer.send({
      ...email,
      headers: { "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" },
    });
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0]?.to).toEqual(["ada@example.com"]);
    expect(smtp.received[0]?.headers.get("message-id")).toBe(messageId);
    expect(smtp.received[0]?.headers.get("list-unsubscribe-post")).toBe("List-Unsubscribe=One-Click");
  });

  it.each([
    [451, "deferred"],
    [550, "rejected"],
  ])("a %i reply to the message is a failure the caller can tell apart (%s), with its code", async (code, outcome) => {
    smtp.refuseNext(code);
    const mailer = createMailer({ smtpUrl: smtp.url, from: "hello@acme.example" });
    const error = await mailer.send(email).catch((caught: unknown) => caught);
    expect(smtpFailureOf(error)).toMatchObject({ outcome, responseCode: code });
    expect(smtp.received).toHaveLength(0);
  });

  it("a server that cannot be reached is deferred: nothing was handed over", async () => {
    const mailer = createMailer({ smtpUrl: "smtp://127.0.0.1:9", from: "hello@acme.example" });
    const error = await mailer.send(email).catch((caught: unknown) => caught);
    expect(smtpFailureOf(error)).toMatchObject({
      outcome: "deferred",
      responseCode: undefined,
      diagnosis: { code: "ESOCKET", originalCode: "ECONNREFUSED", dataSent: false },
    });
  });
});

/** Short bounds, so a test of a server that stalls takes a second, not a minute. */
const fast: SmtpTimeouts = { connectionTimeout: 1_000, greetingTimeout: 300, socketTimeout: 1_000, sendTimeout: 800 };

describe("the SMTP transport against servers that misbehave", () => {
  let server: RawSmtpServer;
  beforeAll(async () => {
    server = await startRawSmtpServer({ advertise: ["AUTH PLAIN"], stallEveryMs: 100 });
  });
  afterAll(() => server.close());
  let messagesBefore = 0;
  beforeEach(() => {
    messagesBefore = server.messagesReceived;
    server.commands.length = 0;
  });
  const messagesReceived = () => server.messagesReceived - messagesBefore;

  async function sendThrough(options: { credentials?: { user: string; pass: string } } = {}) {
    const mailer = createMailer({
      smtpUrl: server.url(options.credentials),
      from: "hello@acme.example",
      timeouts: fast,
    });
    const error = await mailer.send(email).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    return error === undefined ? undefined : smtpFailureOf(error);
  }

  it.each([
    ["closes", "close-after-message", { code: "ECONNECTION", command: "CONN" }],
    ["resets", "reset-after-message", { code: "ESOCKET", command: "CONN", originalCode: "ECONNRESET" }],
  ] as const)(
    "a server that %s the connection after the message's final '.' may have it: unknown, not sent again",
    async (_, mode, diagnosis) => {
      server.next(mode);
      const failure = await sendThrough();
      expect(messagesReceived()).toBe(1);
      expect(failure).toMatchObject({
        outcome: "unknown",
        responseCode: undefined,
        diagnosis: { ...diagnosis, dataSent: true },
      });
    },
  );

  it("a server that never greets is deferred: nothing was handed over", async () => {
    server.next("never-greet");
    const failure = await sendThrough();
    expect(failure).toMatchObject({
      outcome: "deferred",
      diagnosis: { code: "ETIMEDOUT", timeoutType: "GREETING_TIMEOUT", dataSent: false },
    });
  });

  it("a server that keeps talking after the message without ever replying is given up on at the send deadline: unknown", async () => {
    server.next("stall-after-message");
    const startedAt = Date.now();
    const failure = await sendThrough();
    expect(Date.now() - startedAt).toBeLessThan(fast.sendTimeout + 500);
    expect(messagesReceived()).toBe(1);
    expect(failure).toMatchObject({ outcome: "unknown", diagnosis: { code: "EABORT", dataSent: true } });
  }, 5_000);

  it("the send deadline passing before DATA is deferred", async () => {
    server.next("never-greet");
    const mailer = createMailer({
      smtpUrl: server.url(),
      from: "hello@acme.example",
      timeouts: { ...fast, greetingTimeout: 5_000, sendTimeout: 300 },
    });
    const error = await mailer.send(email).catch((caught: unknown) => caught);
    expect(smtpFailureOf(error)).toMatchObject({ outcome: "deferred", diagnosis: { code: "EABORT", dataSent: false } });
  });

  it.each([
    ["the greeting", { reply: 554, to: "greeting" }],
    ["AUTH (wrong password)", { reply: 535, to: "AUTH" }],
    ["MAIL FROM (must STARTTLS)", { reply: 530, to: "MAIL" }],
    ["MAIL FROM (sender not allowed)", { reply: 550, to: "MAIL" }],
  ] as const)(
    "a 5xx to %s refuses the configuration, not this message: deferred, retried once it is fixed",
    async (_, mode) => {
      server.next(mode);
      const failure = await sendThrough({ credentials: { user: "apikey", pass: "s3cret" } });
      expect(failure).toMatchObject({ outcome: "deferred", responseCode: mode.reply, diagnosis: { dataSent: false } });
      expect(messagesReceived()).toBe(0);
    },
  );

  it("a 5xx to RCPT TO refuses this message: rejected", async () => {
    server.next({ reply: 550, to: "RCPT" });
    expect(await sendThrough()).toMatchObject({ outcome: "rejected", responseCode: 550 });
  });

  it("credentials to this machine may go without TLS (a local relay)", async () => {
    expect(await sendThrough({ credentials: { user: "apikey", pass: "s3cret" } })).toBeUndefined();
    expect(server.commands).toContainEqual(expect.stringMatching(/^AUTH PLAIN/));
  });
});

describe("credentials in an smtp:// URL to another host", () => {
  let server: RawSmtpServer;
  beforeAll(async () => {
    server = await startRawSmtpServer({ advertise: ["AUTH PLAIN"] });
  });
  afterAll(() => server.close());

  it("counts every host but localhost and the loopback addresses as another machine", () => {
    for (const host of ["mail.example.com", "10.0.0.5", "[2001:db8::1]", "localhost.example.com"])
      expect(namesAnotherHost(`smtp://u:p@${host}:587`), host).toBe(true);
    for (const host of ["localhost", "127.0.0.1", "127.8.9.10", "[::1]"])
      expect(namesAnotherHost(`smtp://u:p@${host}:587`), host).toBe(false);
  });

  it("are never sent to a server that does not offer STARTTLS: deferred, and no AUTH in clear text", async () => {
    const mailer = createMailer({
      smtpUrl: server.url({ user: "apikey", pass: "s3cret-pass" }),
      from: "hello@acme.example",
      timeouts: fast,
      // The server is on loopback (tests reach nothing else): treat it as the remote host it stands for.
      offMachine: true,
    });
    const error = await mailer.send(email).catch((caught: unknown) => caught);
    expect(smtpFailureOf(error)).toMatchObject({ outcome: "deferred", diagnosis: { dataSent: false } });
    expect(server.commands.join("\n")).not.toMatch(/AUTH|s3cret/);
    expect(server.messagesReceived).toBe(0);
  });
});
