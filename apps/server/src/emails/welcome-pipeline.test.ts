import { clerkUserJson } from "@repo/clerk/testing";
import { findEmailSendsOf } from "@repo/db/emails";
import { testDatabaseKinds, useTestDatabase } from "@repo/db/testing";
import { useTestSmtpServer } from "@repo/email/testing";
import { INNGEST_APP_ID } from "@repo/inngest/client";
import { describe, expect, it } from "vitest";
import { createTestClerkInstance } from "../testing/clerk-session.ts";
import { driveInngestRun } from "../testing/inngest-stubs.ts";
import { TEST_INNGEST_SIGNING_KEY, TEST_WEB_ORIGIN } from "../testing/test-server.ts";
import { useTestServer } from "../testing/use-test-server.ts";

const clerk = createTestClerkInstance();

describe.each(testDatabaseKinds())("the welcome workflow served on /api/inngest, over SMTP, on %s", (kind) => {
  const t = useTestDatabase(kind);
  const smtp = useTestSmtpServer();
  const server = useTestServer(() => ({ db: t.db, clerk, smtpUrl: smtp.url }));

  /** Inngest calling the served function through the real SDK, with the wait resumed as `waitedFor`. */
  const run = (user: ReturnType<typeof clerkUserJson>, waitedFor: unknown) =>
    driveInngestRun({
      serveUrl: `${server.url}/api/inngest`,
      appId: INNGEST_APP_ID,
      functionId: "welcome-new-user",
      event: { name: "clerk/user.created", data: user },
      signingKey: TEST_INNGEST_SIGNING_KEY,
      waitForEvent: () => waitedFor,
    });

  it("welcomes the user, and follows up when the wait for their profile runs out", async () => {
    const user = clerkUserJson({ first_name: "Ada" });
    expect((await run(user, null)).status).toBe(200);
    expect(smtp.received.map((email) => email.subject)).toEqual(["Welcome aboard", "Finish setting up your profile"]);
    expect(smtp.received[1]?.headers.get("list-unsubscribe")).toMatch(
      new RegExp(`^<${TEST_WEB_ORIGIN}/api/emails/unsubscribe\\?token=[\\w.-]+>$`),
    );
    expect(await findEmailSendsOf(t.db, user.id)).toMatchObject([
      { kind: "follow-up", state: "sent" },
      { kind: "welcome", state: "sent" },
    ]);
  });

  it("sends only the welcome when the profile was completed during the wait, and nothing more on a redelivery", async () => {
    const user = clerkUserJson();
    const completed = { name: "app/user.profile-completed", data: { userId: user.id }, id: "evt_1", ts: Date.now() };
    expect((await run(user, completed)).status).toBe(200);
    expect((await run(user, completed)).status).toBe(200);
    expect(smtp.received.map((email) => email.subject)).toEqual(["Welcome aboard"]);
  });
});
