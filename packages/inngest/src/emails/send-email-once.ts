import type { Db } from "@repo/db/client";
import { claimEmailSend, type EmailSkipReason, recordEmailSendOutcome } from "@repo/db/emails";
import type { EmailKind } from "@repo/email/messages";
import { type Mailer, type OutgoingEmail, smtpFailureOf } from "@repo/email/transport";
import type { Logger } from "inngest";

/** How one email went, as a step returns it: plain JSON, memoized by Inngest. Never the address. */
export type EmailResult =
  | { kind: EmailKind; outcome: "sent"; messageId: string }
  | { kind: EmailKind; outcome: "failed" | "in-doubt"; smtpReplyCode: number | null }
  | { kind: EmailKind; outcome: "skipped"; reason: EmailSkipReason | "no-address" | "profile-complete" };

/**
 * Nothing was handed over (a 4xx, no connection, a 5xx to the session's settings): the step's retry
 * claims the email again. The message names the reply code, never the address.
 */
export class EmailDeferredError extends Error {
  override name = "EmailDeferredError";
}

/**
 * Sends one email of `kind` to the user, at most once ever (see claimEmailSend): claim, hand to the
 * SMTP server, record the outcome. Each send is logged with its kind, the user id and the Message-ID,
 * each failure with the SMTP reply code; never the address.
 */
export async function sendEmailOnce(
  deps: { db: Db; mailer: Mailer; logger: Logger },
  send: { userId: string; kind: EmailKind; productEmail: boolean; email: OutgoingEmail },
): Promise<EmailResult> {
  const { db, mailer, logger } = deps;
  const { userId, kind } = send;
  const key = { userId, kind };
  const claim = await claimEmailSend(db, key, { productEmail: send.productEmail });
  if (!claim.claimed) {
    logger.info({ kind, userId, reason: claim.reason }, "email not sent");
    return { kind, outcome: "skipped", reason: claim.reason };
  }
  try {
    const { messageId } = await mailer.send(send.email);
    await recordEmailSendOutcome(db, key, { state: "sent", messageId });
    logger.info({ kind, userId, messageId, attempt: claim.attempt }, "email sent");
    return { kind, outcome: "sent", messageId };
  } catch (error) {
    const failure = smtpFailureOf(error);
    const smtpReplyCode = failure.responseCode ?? null;
    // nodemailer's codes (never the address): which stage broke off, and how.
    const smtp = { smtpReplyCode, ...failure.diagnosis };
    if (failure.outcome === "deferred") {
      await recordEmailSendOutcome(db, key, { state: "deferred", smtpReplyCode: failure.responseCode });
      if (smtpReplyCode !== null && smtpReplyCode >= 500) {
        // A 5xx to the session (AUTH, MAIL FROM...) is a setting to fix, not a recipient to give up
        // on: the row stays retryable, so the email goes once SMTP_URL or EMAIL_FROM is fixed.
        logger.error(
          { kind, userId, ...smtp, attempt: claim.attempt },
          "email deferred: the SMTP server refused the session",
        );
        throw new EmailDeferredError(
          `The SMTP server refused the session for the ${kind} email (reply ${smtpReplyCode} to ${failure.diagnosis.command ?? "the connection"}): check SMTP_URL and EMAIL_FROM`,
        );
      }
      logger.warn({ kind, userId, ...smtp, attempt: claim.attempt }, "email deferred by the SMTP server");
      throw new EmailDeferredError(`The SMTP server deferred the ${kind} email (reply ${smtpReplyCode ?? "none"})`);
    }
    if (failure.outcome === "rejected") {
      await recordEmailSendOutcome(db, key, { state: "failed", smtpReplyCode: failure.responseCode });
      logger.error({ kind, userId, ...smtp }, "email refused by the SMTP server");
      return { kind, outcome: "failed", smtpReplyCode };
    }
    // The exchange broke off after DATA: the server may have accepted it. The claim stays `sending`,
    // so no retry sends it again (at most once, docs/emails.md).
    logger.error({ kind, userId, ...smtp }, "email outcome unknown: the SMTP exchange broke off after DATA");
    return { kind, outcome: "in-doubt", smtpReplyCode };
  }
}
