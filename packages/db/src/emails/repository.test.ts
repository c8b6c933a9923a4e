import { describe, expect, it } from "vitest";
import { testDatabaseKinds, useTestDatabase } from "../testing/index.ts";
import { userSyncRow } from "../testing/sync-rows.ts";
import { markUserDeleted, upsertUsersFromClerk } from "../users/repository.ts";
import {
  claimEmailSend,
  ensureEmailLinkId,
  findEmailSendsOf,
  recordEmailSendOutcome,
  setProductEmails,
  unsubscribeByLinkId,
  wantsProductEmails,
} from "./repository.ts";

describe.each(testDatabaseKinds())("email records on %s", (kind) => {
  const t = useTestDatabase(kind);
  const welcome = (userId: string) => ({ userId, kind: "welcome" });
  const transactional = { productEmail: false };

  it("an email is claimed once; after the server accepted it, never again", async () => {
    expect(await claimEmailSend(t.db, welcome("user_a"), transactional)).toEqual({ claimed: true, attempt: 1 });
    expect(await claimEmailSend(t.db, welcome("user_a"), transactional)).toEqual({
      claimed: false,
      reason: "in-doubt",
    });
    await recordEmailSendOutcome(t.db, welcome("user_a"), { state: "sent", messageId: "<m1@test>" });
    expect(await claimEmailSend(t.db, welcome("user_a"), transactional)).toEqual({
      claimed: false,
      reason: "already-sent",
    });
    expect(await findEmailSendsOf(t.db, "user_a")).toMatchObject([
      { kind: "welcome", state: "sent", message_id: "<m1@test>", attempts: 1 },
    ]);
  });

  it("a send the server deferred is claimed again; one it refused for good is not", async () => {
    await claimEmailSend(t.db, welcome("user_a"), transactional);
    await recordEmailSendOutcome(t.db, welcome("user_a"), { state: "deferred", smtpReplyCode: 451 });
    expect(await claimEmailSend(t.db, welcome("user_a"), transactional)).toEqual({ claimed: true, attempt: 2 });
    await recordEmailSendOutcome(t.db, welcome("user_a"), { state: "failed", smtpReplyCode: 550 });
    expect(await claimEmailSend(t.db, welcome("user_a"), transactional)).toEqual({ claimed: false, reason: "failed" });
  });

  it("nothing is claimed for a tombstoned user, even one deleted before their creation arrived", async () => {
    await markUserDeleted(t.db, "user_gone");
    expect(await claimEmailSend(t.db, welcome("user_gone"), transactional)).toEqual({
      claimed: false,
      reason: "user-deleted",
    });
    expect(await findEmailSendsOf(t.db, "user_gone")).toEqual([]);
  });

  it("a product email is not claimed for a user who turned product emails off", async () => {
    await upsertUsersFromClerk(t.db, [userSyncRow({ id: "user_a" })]);
    await setProductEmails(t.db, "user_a", false);
    expect(await claimEmailSend(t.db, { userId: "user_a", kind: "follow-up" }, { productEmail: true })).toEqual({
      claimed: false,
      reason: "opted-out",
    });
    expect(await claimEmailSend(t.db, welcome("user_a"), transactional)).toMatchObject({ claimed: true });
  });

  it("an unsubscribe link's id turns product emails off for its user only", async () => {
    const linkId = await ensureEmailLinkId(t.db, "user_a");
    await ensureEmailLinkId(t.db, "user_b");
    expect(linkId).toEqual(await ensureEmailLinkId(t.db, "user_a"));
    expect(await unsubscribeByLinkId(t.db, linkId ?? "")).toBe(true);
    expect(await wantsProductEmails(t.db, "user_a")).toBe(false);
    expect(await wantsProductEmails(t.db, "user_b")).toBe(true);
    expect(await unsubscribeByLinkId(t.db, "no-such-link")).toBe(false);
  });

  it("the tombstone erases the user's email records and preference, and keeps others'", async () => {
    await upsertUsersFromClerk(t.db, [userSyncRow({ id: "user_a" }), userSyncRow({ id: "user_b" })]);
    for (const userId of ["user_a", "user_b"]) {
      await claimEmailSend(t.db, welcome(userId), transactional);
      await setProductEmails(t.db, userId, false);
    }
    const linkId = await ensureEmailLinkId(t.db, "user_a");
    await markUserDeleted(t.db, "user_a");
    expect(await findEmailSendsOf(t.db, "user_a")).toEqual([]);
    expect(await t.db.selectFrom("email_preferences").select("user_id").execute()).toEqual([{ user_id: "user_b" }]);
    expect(await unsubscribeByLinkId(t.db, linkId ?? "")).toBe(false);
    expect(await setProductEmails(t.db, "user_a", true)).toBe(false);
    expect(await ensureEmailLinkId(t.db, "user_a")).toBeUndefined();
    expect(await findEmailSendsOf(t.db, "user_b")).toHaveLength(1);
  });
});
