import { describe, expect, it } from "vitest";
import { useTestSmtpServer } from "./testing/test-smtp-server.ts";
import { createMailer, smtpFailureOf } from "./transport.ts";

describe("the SMTP transport", () => {
  const smtp = useTestSmtpServer();
  const email = { to: "ada@example.com", subject: "Hello", html: "<p>Hello</p>", text: "Hello" };

  it("hands the email to the server and returns the Message-ID it carried", async () => {
    const mailer = createMailer({ smtpUrl: smtp.url, from: "Acme <hello@acme.example>" });
    const { messageId } = await mailer.send({
      ...email,
      headers: { "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" },
    });
    mailer.close();
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0]?.to).toEqual(["ada@example.com"]);
    expect(smtp.received[0]?.headers.get("message-id")).toBe(messageId);
    expect(smtp.received[0]?.headers.get("list-unsubscribe-post")).toBe("List-Unsubscribe=One-Click");
  });

  it.each([
    [451, "deferred"],
    [550, "rejected"],
  ])("a %i reply is a failure the caller can tell apart (%s), with its code", async (code, outcome) => {
    smtp.refuseNext(code);
    const mailer = createMailer({ smtpUrl: smtp.url, from: "hello@acme.example" });
    const error = await mailer.send(email).catch((caught: unknown) => caught);
    mailer.close();
    expect(smtpFailureOf(error)).toEqual({ outcome, responseCode: code });
    expect(smtp.received).toHaveLength(0);
  });

  it("a server that cannot be reached is deferred: nothing was handed over", async () => {
    const mailer = createMailer({ smtpUrl: "smtp://127.0.0.1:9", from: "hello@acme.example" });
    const error = await mailer.send(email).catch((caught: unknown) => caught);
    mailer.close();
    expect(smtpFailureOf(error)).toEqual({ outcome: "deferred", responseCode: undefined });
  });
});
