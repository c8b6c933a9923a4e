import { clerkUserJson } from "@repo/clerk/testing";
import { userSyncRowFromClerk } from "@repo/clerk/users";
import { ensureEmailLinkId, wantsProductEmails } from "@repo/db/emails";
import { testDatabaseKinds, useTestDatabase } from "@repo/db/testing";
import { upsertUsersFromClerk } from "@repo/db/users";
import { signEmailLink } from "@repo/email/unsubscribe";
import { UNSUBSCRIBE_PATH } from "@repo/inngest/emails";
import { describe, expect, it } from "vitest";
import { createTestClerkInstance } from "../testing/clerk-session.ts";
import { TEST_EMAIL_LINK_SECRET } from "../testing/test-server.ts";
import { useTestServer } from "../testing/use-test-server.ts";

const clerk = createTestClerkInstance();
const purpose = "unsubscribe-product-emails" as const;
const inADay = () => Math.floor(Date.now() / 1000) + 86_400;

describe.each(testDatabaseKinds())("the unsubscribe link over HTTP on %s", (kind) => {
  const t = useTestDatabase(kind);
  const server = useTestServer(() => ({ db: t.db, clerk }));

  /** A stored user and a link for them, as the follow-up email carries it. */
  async function userWithLink(options: { secret?: string; expiresAt?: number } = {}) {
    const user = clerkUserJson();
    await upsertUsersFromClerk(t.db, [userSyncRowFromClerk(user)]);
    const recipient = (await ensureEmailLinkId(t.db, user.id)) ?? "";
    const token = signEmailLink(options.secret ?? TEST_EMAIL_LINK_SECRET, {
      recipient,
      purpose,
      expiresAt: options.expiresAt ?? inADay(),
    });
    return { userId: user.id, token };
  }
  const linkFor = (token: string) => `${server.url}${UNSUBSCRIBE_PATH}?token=${encodeURIComponent(token)}`;
  /** What a mail client sends for RFC 8058 one-click unsubscribe. */
  const oneClick = (token: string) =>
    fetch(linkFor(token), {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "List-Unsubscribe=One-Click",
    });

  it("GET shows what will happen and a button, and changes nothing", async () => {
    const { userId, token } = await userWithLink();
    const response = await fetch(linkFor(token));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    expect(response.headers.get("content-security-policy")).toContain("form-action 'self'");
    const page = await response.text();
    expect(page).toContain("Unsubscribe from product emails?");
    expect(page).toContain('<form method="post"><button type="submit">Unsubscribe</button></form>');
    expect(await wantsProductEmails(t.db, userId)).toBe(true);
  });

  it("the one-click POST turns product emails off at once, with no sign-in; replayed, it changes nothing more", async () => {
    const { userId, token } = await userWithLink();
    const first = await oneClick(token);
    expect(first.status).toBe(200);
    expect(await first.text()).toContain("You are unsubscribed");
    expect(await wantsProductEmails(t.db, userId)).toBe(false);
    const replayed = await oneClick(token);
    expect(replayed.status).toBe(200);
    expect(await wantsProductEmails(t.db, userId)).toBe(false);
  });

  it("turns off only the user the link names", async () => {
    const { token } = await userWithLink();
    const other = await userWithLink();
    await oneClick(token);
    expect(await wantsProductEmails(t.db, other.userId)).toBe(true);
  });

  describe("refuses with a 400 page and changes nothing", () => {
    /** The link of one user, its payload changed to name another user's id, its signature kept. */
    const retargeted = async () => {
      const { token } = await userWithLink();
      const other = await userWithLink();
      const [, signature] = token.split(".");
      const [otherPayload = ""] = other.token.split(".");
      return `${otherPayload}.${signature}`;
    };
    it.each([
      ["a token whose payload was changed to name another user", retargeted],
      ["an expired token", async () => (await userWithLink({ expiresAt: Math.floor(Date.now() / 1000) - 1 })).token],
      ["a token signed with another secret", async () => (await userWithLink({ secret: "x".repeat(40) })).token],
      [
        "no token",
        async () => {
          await userWithLink();
          return "";
        },
      ],
      ["markup in the token", async () => `${(await userWithLink()).token}<script>alert(1)</script>`],
    ])("%s", async (_case, makeToken) => {
      const token = await makeToken();
      for (const response of [await fetch(linkFor(token)), await oneClick(token)]) {
        expect(response.status).toBe(400);
        const page = await response.text();
        expect(page).toContain("This link does not work");
        expect(page).not.toContain("<script>");
      }
      const optedOut = await t.db.selectFrom("email_preferences").where("product_emails", "=", false).execute();
      expect(optedOut).toEqual([]);
    });
  });
});
