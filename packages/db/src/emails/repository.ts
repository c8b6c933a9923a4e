import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import type { EmailSend, EmailSendState } from "../schema.ts";
import { withSyncLocks } from "../sync/locks.ts";
import type { Executor } from "../sync/types.ts";

export type EmailSendKey = { userId: string; kind: string };

/**
 * Why an email was not claimed: already accepted by the server; claimed by an attempt whose outcome is
 * unknown (at most once: it is not sent again); refused for good; the user is tombstoned; or a product
 * email the user turned off.
 */
export type EmailSkipReason = "already-sent" | "in-doubt" | "failed" | "user-deleted" | "opted-out";

export type EmailClaim = { claimed: true; attempt: number } | { claimed: false; reason: EmailSkipReason };

/**
 * Claims the one send of `kind` to this user, before anything goes to the SMTP server. A new row, or a
 * row a server deferred (4xx), is claimed (state `sending`); any other row means this email is not to
 * be sent now. Taken under the user's sync lock, the lock markUsersDeleted takes, so a tombstone is
 * either seen here or erases the claim: nothing is claimed for a deleted user, even when the deletion
 * was handled before the creation. `productEmail`: also skip when the user turned product emails off.
 */
export async function claimEmailSend(
  db: Executor,
  key: EmailSendKey,
  options: { productEmail: boolean },
): Promise<EmailClaim> {
  return withSyncLocks(db, { userIds: [key.userId] }, async (trx) => {
    const user = await trx.selectFrom("users").select("deleted_at").where("id", "=", key.userId).executeTakeFirst();
    if (user?.deleted_at) return { claimed: false, reason: "user-deleted" };
    if (options.productEmail && !(await wantsProductEmails(trx, key.userId)))
      return { claimed: false, reason: "opted-out" };
    const claimed = await trx
      .insertInto("email_sends")
      .values({ user_id: key.userId, kind: key.kind, state: "sending" })
      .onConflict((oc) =>
        oc
          .columns(["user_id", "kind"])
          .doUpdateSet((eb) => ({
            state: "sending",
            attempts: eb("email_sends.attempts", "+", 1),
            updated_at: sql`now()`,
          }))
          // Only a send the server deferred may be tried again (see EmailSendsTable).
          .where("email_sends.state", "=", "deferred"),
      )
      .returning("attempts")
      .executeTakeFirst();
    if (claimed) return { claimed: true, attempt: claimed.attempts };
    const existing = await findEmailSend(trx, key);
    return { claimed: false, reason: skipReasonOf(existing?.state) };
  });
}

function skipReasonOf(state: EmailSendState | undefined): EmailSkipReason {
  if (state === "sent") return "already-sent";
  if (state === "failed") return "failed";
  return "in-doubt";
}

export type EmailSendOutcome =
  | { state: "sent"; messageId: string }
  | { state: "deferred" | "failed"; smtpReplyCode: number | undefined };

/** Records how a claimed send went. A claim erased by a tombstone meanwhile stays erased. */
export async function recordEmailSendOutcome(db: Executor, key: EmailSendKey, outcome: EmailSendOutcome) {
  await db
    .updateTable("email_sends")
    .set({
      state: outcome.state,
      message_id: outcome.state === "sent" ? outcome.messageId : null,
      smtp_reply_code: outcome.state === "sent" ? null : (outcome.smtpReplyCode ?? null),
      updated_at: sql`now()`,
    })
    .where("user_id", "=", key.userId)
    .where("kind", "=", key.kind)
    .where("state", "=", "sending")
    .execute();
}

export async function findEmailSend(db: Executor, key: EmailSendKey): Promise<EmailSend | undefined> {
  return db
    .selectFrom("email_sends")
    .selectAll()
    .where("user_id", "=", key.userId)
    .where("kind", "=", key.kind)
    .executeTakeFirst();
}

export async function findEmailSendsOf(db: Executor, userId: string): Promise<EmailSend[]> {
  return db.selectFrom("email_sends").selectAll().where("user_id", "=", userId).orderBy("kind").execute();
}

/** Whether the user gets product emails: on unless they turned them off. */
export async function wantsProductEmails(db: Executor, userId: string): Promise<boolean> {
  const row = await db
    .selectFrom("email_preferences")
    .select("product_emails")
    .where("user_id", "=", userId)
    .executeTakeFirst();
  return row?.product_emails ?? true;
}

/**
 * The random id the user's unsubscribe links name, made on first use. Undefined for a tombstoned user:
 * nothing is kept for them.
 */
export async function ensureEmailLinkId(db: Executor, userId: string): Promise<string | undefined> {
  return withSyncLocks(db, { userIds: [userId] }, async (trx) => {
    if (await isTombstoned(trx, userId)) return undefined;
    await trx
      .insertInto("email_preferences")
      .values({ user_id: userId, link_id: randomUUID() })
      .onConflict((oc) => oc.column("user_id").doNothing())
      .execute();
    const row = await trx
      .selectFrom("email_preferences")
      .select("link_id")
      .where("user_id", "=", userId)
      .executeTakeFirstOrThrow();
    return row.link_id;
  });
}

/** Turns product emails on or off for a live user; false (and nothing written) for a tombstoned one. */
export async function setProductEmails(db: Executor, userId: string, enabled: boolean): Promise<boolean> {
  return withSyncLocks(db, { userIds: [userId] }, async (trx) => {
    if (await isTombstoned(trx, userId)) return false;
    await trx
      .insertInto("email_preferences")
      .values({ user_id: userId, link_id: randomUUID(), product_emails: enabled })
      .onConflict((oc) => oc.column("user_id").doUpdateSet({ product_emails: enabled, updated_at: sql`now()` }))
      .execute();
    return true;
  });
}

/**
 * Turns product emails off for the user an unsubscribe link names. False when no user has that link id
 * (a tombstone erased it): there is nobody left to send to.
 */
export async function unsubscribeByLinkId(db: Executor, linkId: string): Promise<boolean> {
  const updated = await db
    .updateTable("email_preferences")
    .set({ product_emails: false, updated_at: sql`now()` })
    .where("link_id", "=", linkId)
    .returning("user_id")
    .executeTakeFirst();
  return updated !== undefined;
}

/** Erases the users' email records and preferences: part of their tombstone (markUsersDeleted). */
export async function eraseEmailRecordsOf(db: Executor, userIds: readonly string[]): Promise<void> {
  if (userIds.length === 0) return;
  await db.deleteFrom("email_sends").where("user_id", "in", userIds).execute();
  await db.deleteFrom("email_preferences").where("user_id", "in", userIds).execute();
}

async function isTombstoned(db: Executor, userId: string): Promise<boolean> {
  const user = await db.selectFrom("users").select("deleted_at").where("id", "=", userId).executeTakeFirst();
  return Boolean(user?.deleted_at);
}
