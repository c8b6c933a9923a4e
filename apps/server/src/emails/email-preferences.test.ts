import { clerkUserJson } from "@repo/clerk/testing";
import { userSyncRowFromClerk } from "@repo/clerk/users";
import { wantsProductEmails } from "@repo/db/emails";
import { testDatabaseKinds, useTestDatabase } from "@repo/db/testing";
import { markUserDeleted, upsertUsersFromClerk } from "@repo/db/users";
import { describe, expect, it, vi } from "vitest";
import { createTestClerkInstance, signSessionToken } from "../testing/clerk-session.ts";
import { useInngestEventApiStub } from "../testing/inngest-stubs.ts";
import { TEST_WEB_ORIGIN } from "../testing/test-server.ts";
import { callTrpc } from "../testing/trpc-http.ts";
import { useTestServer } from "../testing/use-test-server.ts";
import type { EmailPreferences } from "./email-preferences-router.ts";

const clerk = createTestClerkInstance();

describe.each(testDatabaseKinds())("email preferences and the profile-completed event over HTTP on %s", (kind) => {
  const t = useTestDatabase(kind);
  const inngestApi = useInngestEventApiStub();
  const server = useTestServer(() => ({ db: t.db, clerk, inngestBaseUrl: inngestApi.url }));

  async function signedInUser() {
    const user = clerkUserJson();
    await upsertUsersFromClerk(t.db, [userSyncRowFromClerk(user)]);
    return { userId: user.id, token: await signSessionToken(clerk, { userId: user.id, azp: TEST_WEB_ORIGIN }) };
  }

  it("product emails are on until the user turns them off, and back on", async () => {
    const { userId, token } = await signedInUser();
    const before = await callTrpc<EmailPreferences>(server.url, "emailPreferences.get", { token });
    expect(before.data).toEqual({ productEmails: true });
    const off = await callTrpc<EmailPreferences>(server.url, "emailPreferences.setProductEmails", {
      token,
      type: "mutation",
      input: { productEmails: false },
    });
    expect(off.data).toEqual({ productEmails: false });
    expect(await wantsProductEmails(t.db, userId)).toBe(false);
    await callTrpc(server.url, "emailPreferences.setProductEmails", {
      token,
      type: "mutation",
      input: { productEmails: true },
    });
    expect((await callTrpc<EmailPreferences>(server.url, "emailPreferences.get", { token })).data).toEqual({
      productEmails: true,
    });
  });

  it("refuses a signed-out caller, a malformed input, and a deleted user, changing nothing", async () => {
    const { userId, token } = await signedInUser();
    const signedOut = await callTrpc(server.url, "emailPreferences.setProductEmails", {
      type: "mutation",
      input: { productEmails: false },
    });
    expect(signedOut.status).toBe(401);
    const malformed = await callTrpc(server.url, "emailPreferences.setProductEmails", {
      token,
      type: "mutation",
      input: { productEmails: "no" },
    });
    expect(malformed.status).toBe(400);
    expect(await wantsProductEmails(t.db, userId)).toBe(true);
    await markUserDeleted(t.db, userId);
    const deleted = await callTrpc(server.url, "emailPreferences.setProductEmails", {
      token,
      type: "mutation",
      input: { productEmails: false },
    });
    expect(deleted.error?.data.reason).toBe("user_deleted");
    expect(await t.db.selectFrom("email_preferences").selectAll().execute()).toEqual([]);
  });

  it("user.updateProfile sends app/user.profile-completed once a display name is set, and not for a bio", async () => {
    const { userId, token } = await signedInUser();
    const update = (input: object) => callTrpc(server.url, "user.updateProfile", { token, type: "mutation", input });
    expect((await update({ bio: "Mathematician" })).status).toBe(200);
    expect((await update({ displayName: "Countess" })).status).toBe(200);
    await vi.waitFor(() => expect(inngestApi.events).toHaveLength(1));
    expect(inngestApi.events[0]).toMatchObject({ name: "app/user.profile-completed", data: { userId } });
  });

  it("saves the profile even when Inngest is down", async () => {
    const { token } = await signedInUser();
    inngestApi.setMode("fail");
    const response = await callTrpc(server.url, "user.updateProfile", {
      token,
      type: "mutation",
      input: { displayName: "Countess" },
    });
    expect(response.status).toBe(200);
    expect(response.data).toMatchObject({ displayName: "Countess" });
  });
});
