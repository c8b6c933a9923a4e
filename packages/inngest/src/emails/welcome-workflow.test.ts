import { InngestTestEngine, mockCtx } from "@inngest/test";
import { clerkUserJson } from "@repo/clerk/testing";
import { type ClerkUserJson, userSyncRowFromClerk } from "@repo/clerk/users";
import { findEmailSendsOf } from "@repo/db/emails";
import { testDatabaseKinds, useTestDatabase } from "@repo/db/testing";
import { markUserDeleted, updateUserProfile, upsertUsersFromClerk } from "@repo/db/users";
import { type RawSmtpServer, startRawSmtpServer, useTestSmtpServer } from "@repo/email/testing";
import { createMailer, type Mailer } from "@repo/email/transport";
import { verifyEmailLink } from "@repo/email/unsubscribe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createInngestClient } from "../client.ts";
import { silentLogger } from "../testing/run-function.ts";
import { createWelcomeWorkflow, UNSUBSCRIBE_PATH, type WelcomeWorkflowResult } from "./welcome-workflow.ts";

const APP_ORIGIN = "https://app.example.com";
const LINK_SECRET = "test-email-link-secret-0123456789abcdef";

/** What step.waitForEvent returns: null when the wait ran out, the event when the profile was completed. */
type WaitOutcome = "timed-out" | "profile-completed";

/**
 * Runs the workflow for one user.created through @inngest/test, with the wait's result mocked: the
 * test engine's own step mock hands waitForEvent's result to the SDK's event validation as a promise
 * (@inngest/test 1.0.0 with inngest 4.24), so step.waitForEvent itself is replaced, and its options kept
 * for the test to check.
 *
 * @inngest/test does not model retries either: a failed step ends the execution. Inngest retries a
 * failed step by running the function again, so this runs it again, up to `attempts` times in all,
 * until it returns. Earlier steps are not memoized across attempts here, which makes the check
 * stricter: every step must be safe to run again.
 */
async function runWorkflow(
  fn: ReturnType<typeof createWelcomeWorkflow>,
  user: ClerkUserJson,
  options: { wait?: WaitOutcome; attempts?: number } = {},
) {
  const wait = options.wait ?? "timed-out";
  const waits: unknown[] = [];
  const waitForEvent = async (...args: unknown[]) => {
    waits.push(args);
    return wait === "timed-out"
      ? null
      : { name: "app/user.profile-completed", data: { userId: user.id }, id: "evt_profile", ts: Date.now() };
  };
  const engine = new InngestTestEngine({
    function: fn,
    transformCtx: (ctx) => {
      const mocked = mockCtx(ctx);
      return { ...mocked, step: { ...mocked.step, waitForEvent } } as typeof mocked;
    },
  });
  const errors: Error[] = [];
  for (let attempt = 0; attempt < (options.attempts ?? 1); attempt++) {
    const { result, error } = await engine.execute({ events: [{ name: "clerk/user.created", data: user }] });
    if (!error) return { result: result as WelcomeWorkflowResult, errors, waits };
    errors.push(error as Error);
  }
  return { result: undefined, errors, waits };
}

describe.each(testDatabaseKinds())("the welcome workflow over SMTP, on %s", (kind) => {
  const t = useTestDatabase(kind);
  const smtp = useTestSmtpServer();
  const inngest = createInngestClient({ isDev: true, logger: silentLogger() });
  let mailer: Mailer;
  let workflow: ReturnType<typeof createWelcomeWorkflow>;

  beforeAll(() => {
    mailer = createMailer({ smtpUrl: smtp.url, from: "Acme <hello@acme.example>" });
    workflow = createWelcomeWorkflow(inngest, {
      db: t.db,
      mailer,
      appOrigin: APP_ORIGIN,
      linkSecret: LINK_SECRET,
      followUpAfter: "3d",
    });
  });

  const primaryAddress = (user: ClerkUserJson) => user.email_addresses[1]?.email_address;
  const storeUser = (user: ClerkUserJson) => upsertUsersFromClerk(t.db, [userSyncRowFromClerk(user)]);
  const subjects = () => smtp.received.map((email) => email.subject);

  it("sends one welcome per user, however often user.created is delivered", async () => {
    const user = clerkUserJson();
    await runWorkflow(workflow, user, { wait: "profile-completed" });
    // A Svix or Inngest retry, a Clerk resend, a new event id: the same user again, at once and later.
    await Promise.all([
      runWorkflow(workflow, user, { wait: "profile-completed" }),
      runWorkflow(workflow, user, { wait: "profile-completed" }),
    ]);
    await runWorkflow(workflow, user, { wait: "profile-completed" });
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0]?.to).toEqual([primaryAddress(user)]);
    expect(await findEmailSendsOf(t.db, user.id)).toMatchObject([{ kind: "welcome", state: "sent" }]);
  });

  it("a 451 from the mail server is retried by the step, and the user gets exactly one welcome", async () => {
    const user = clerkUserJson();
    smtp.refuseNext(451);
    const { result, errors } = await runWorkflow(workflow, user, { wait: "profile-completed", attempts: 3 });
    expect(errors.map((error) => error.message)).toEqual(["The SMTP server deferred the welcome email (reply 451)"]);
    expect(result?.welcome).toMatchObject({ outcome: "sent" });
    expect(subjects()).toEqual(["Welcome aboard"]);
    expect(await findEmailSendsOf(t.db, user.id)).toMatchObject([{ kind: "welcome", state: "sent", attempts: 2 }]);
  });

  it("a 550 is not retried: the send is recorded as failed with its code, and the workflow goes on", async () => {
    const user = clerkUserJson();
    smtp.refuseNext(550);
    const { result } = await runWorkflow(workflow, user, { wait: "profile-completed" });
    expect(result?.welcome).toEqual({ kind: "welcome", outcome: "failed", smtpReplyCode: 550 });
    await runWorkflow(workflow, user, { wait: "profile-completed" });
    expect(smtp.received).toHaveLength(0);
    expect(await findEmailSendsOf(t.db, user.id)).toMatchObject([{ state: "failed", smtp_reply_code: 550 }]);
  });

  it("a user deleted before their creation was handled gets no email at all", async () => {
    const user = clerkUserJson();
    await markUserDeleted(t.db, user.id);
    const { result } = await runWorkflow(workflow, user, { wait: "timed-out" });
    expect(result).toMatchObject({
      welcome: { outcome: "skipped", reason: "user-deleted" },
      followUp: { outcome: "skipped", reason: "user-deleted" },
    });
    expect(smtp.received).toHaveLength(0);
    expect(await findEmailSendsOf(t.db, user.id)).toEqual([]);
  });

  it("is cancelled by the user's deletion", () => {
    expect(workflow.opts.cancelOn).toEqual([
      { event: expect.objectContaining({ name: "clerk/user.deleted" }), if: "async.data.id == event.data.id" },
    ]);
  });

  it("sends the follow-up once the wait ran out, with RFC 8058 one-click unsubscribe headers", async () => {
    const user = clerkUserJson();
    await storeUser(user);
    const { result } = await runWorkflow(workflow, user, { wait: "timed-out" });
    expect(result?.followUp).toMatchObject({ outcome: "sent" });
    expect(subjects()).toEqual(["Welcome aboard", "Finish setting up your profile"]);
    const followUp = smtp.received[1];
    expect(followUp?.to).toEqual([primaryAddress(user)]);
    expect(followUp?.headers.get("list-unsubscribe-post")).toBe("List-Unsubscribe=One-Click");
    const link = /^<(.+)>$/.exec(followUp?.headers.get("list-unsubscribe") ?? "")?.[1] ?? "";
    const url = new URL(link);
    expect(`${url.origin}${url.pathname}`).toBe(`${APP_ORIGIN}${UNSUBSCRIBE_PATH}`);
    expect(
      verifyEmailLink(LINK_SECRET, url.searchParams.get("token") ?? "", { purpose: "unsubscribe-product-emails" }),
    ).toMatchObject({ valid: true });
    expect(followUp?.html).toContain(link.replaceAll("&", "&amp;"));
  });

  it("sends no follow-up when the profile was completed during the wait", async () => {
    const user = clerkUserJson();
    await storeUser(user);
    const { result, waits } = await runWorkflow(workflow, user, { wait: "profile-completed" });
    expect(waits).toEqual([
      ["wait-for-profile", expect.objectContaining({ timeout: "3d", if: "async.data.userId == event.data.id" })],
    ]);
    expect(result?.followUp).toEqual({ kind: "follow-up", outcome: "skipped", reason: "profile-complete" });
    expect(subjects()).toEqual(["Welcome aboard"]);
  });

  it("sends no follow-up when the profile was completed but its event was lost", async () => {
    const user = clerkUserJson();
    await storeUser(user);
    await updateUserProfile(t.db, user.id, { display_name: "Countess" });
    await runWorkflow(workflow, user, { wait: "timed-out" });
    expect(subjects()).toEqual(["Welcome aboard"]);
  });

  it("names the user by first name in the HTML and the text part, and carries no Clerk id or secret", async () => {
    const user = clerkUserJson({ first_name: "Grace" });
    await storeUser(user);
    await runWorkflow(workflow, user, { wait: "timed-out" });
    expect(smtp.received).toHaveLength(2);
    for (const email of smtp.received) {
      expect(email.html).toContain("Hi Grace,");
      expect(email.text).toContain("Hi Grace,");
      expect(email.raw).not.toContain(user.id);
      expect(email.raw).not.toContain(user.primary_email_address_id ?? "idn_");
      expect(email.raw).not.toContain(LINK_SECRET);
      expect(email.raw).not.toMatch(/user_[A-Za-z0-9]{10,}|sess_|sk_(test|live)_/);
    }
  });

  it("greets a user without a first name plainly", async () => {
    const user = clerkUserJson({ first_name: null });
    await runWorkflow(workflow, user, { wait: "profile-completed" });
    expect(smtp.received[0]?.text).toMatch(/^Hi,$/m);
  });
});

describe.each(testDatabaseKinds())("the welcome workflow against mail servers that misbehave, on %s", (kind) => {
  const t = useTestDatabase(kind);
  const logged: { level: string; fields: Record<string, unknown>; message: string }[] = [];
  const record =
    (level: string) =>
    (fields: Record<string, unknown>, message = "") =>
      logged.push({ level, fields, message });
  const logger = { info: record("info"), warn: record("warn"), error: record("error"), debug: record("debug") };
  const inngest = createInngestClient({ isDev: true, logger });
  let server: RawSmtpServer;
  let workflow: ReturnType<typeof createWelcomeWorkflow>;

  beforeAll(async () => {
    server = await startRawSmtpServer({ advertise: ["AUTH PLAIN"] });
    const mailer = createMailer({
      smtpUrl: server.url({ user: "apikey", pass: "s3cret" }),
      from: "Acme <hello@acme.example>",
      timeouts: { greetingTimeout: 300, socketTimeout: 1_000, sendTimeout: 2_000 },
    });
    workflow = createWelcomeWorkflow(inngest, {
      db: t.db,
      mailer,
      appOrigin: APP_ORIGIN,
      linkSecret: LINK_SECRET,
      followUpAfter: "3d",
    });
  });
  afterAll(() => server.close());

  it("a connection dropped after the message's final '.' is in doubt: the retries send nothing more", async () => {
    const user = clerkUserJson();
    const before = server.messagesReceived;
    server.next("close-after-message");
    const { result } = await runWorkflow(workflow, user, { wait: "profile-completed", attempts: 3 });
    expect(result?.welcome).toEqual({ kind: "welcome", outcome: "in-doubt", smtpReplyCode: null });
    await runWorkflow(workflow, user, { wait: "profile-completed" });
    expect(server.messagesReceived - before).toBe(1);
    expect(await findEmailSendsOf(t.db, user.id)).toMatchObject([{ kind: "welcome", state: "sending" }]);
    const inDoubt = logged.find((entry) => entry.message.startsWith("email outcome unknown"));
    expect(inDoubt?.fields).toMatchObject({ userId: user.id, code: "ECONNECTION", command: "CONN", dataSent: true });
    expect(JSON.stringify(logged)).not.toContain(primaryAddressOf(user));
  });

  it.each([
    ["never greets", "never-greet"],
    ["refuses the password (535)", { reply: 535, to: "AUTH" }],
  ] as const)("a server that %s is retried, and the user gets exactly one welcome", async (_, mode) => {
    const user = clerkUserJson();
    const before = server.messagesReceived;
    server.next(mode);
    const { result, errors } = await runWorkflow(workflow, user, { wait: "profile-completed", attempts: 3 });
    expect(errors).toHaveLength(1);
    expect(result?.welcome).toMatchObject({ outcome: "sent" });
    expect(server.messagesReceived - before).toBe(1);
    expect(await findEmailSendsOf(t.db, user.id)).toMatchObject([{ kind: "welcome", state: "sent", attempts: 2 }]);
  });
});

function primaryAddressOf(user: ClerkUserJson): string {
  return user.email_addresses.find((address) => address.id === user.primary_email_address_id)?.email_address ?? "";
}
