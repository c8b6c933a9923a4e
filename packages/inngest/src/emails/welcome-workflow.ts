import { primaryEmailOf } from "@repo/clerk/users";
import type { Db } from "@repo/db/client";
import { ensureEmailLinkId } from "@repo/db/emails";
import { findUserById } from "@repo/db/users";
import { composeFollowUpEmail, composeWelcomeEmail } from "@repo/email/messages";
import type { Mailer } from "@repo/email/transport";
import { signEmailLink, UNSUBSCRIBE_LINK_LIFETIME_SECONDS } from "@repo/email/unsubscribe";
import type { InngestClient } from "../client.ts";
import { clerkUserEvents } from "../sync/users/user-events.ts";
import { userProfileCompleted } from "./email-events.ts";
import { type EmailResult, sendEmailOnce } from "./send-email-once.ts";

export type WelcomeWorkflowDeps = {
  db: Db;
  mailer: Mailer;
  /** The web app's origin: where the emails' buttons and the unsubscribe link point. */
  appOrigin: string;
  /** Signs the unsubscribe links (EMAIL_LINK_SECRET). */
  linkSecret: string;
  /** How long to wait for the profile before the follow-up, as Inngest reads it ("3d"). */
  followUpAfter: string;
};

/** Where the follow-up's one-click unsubscribe goes: the server's route, on the web app's origin. */
export const UNSUBSCRIBE_PATH = "/api/emails/unsubscribe";

export type WelcomeWorkflowResult = { userId: string; welcome: EmailResult; followUp: EmailResult };

/**
 * The welcome workflow, beside the sync on `clerk/user.created`: the welcome email, then a wait of
 * days for the user to complete their profile, then the follow-up if they did not. Each send is its
 * own step, so a crash or a deferring mail server retries that send alone; the wait is Inngest's, so
 * no process stays up for it.
 *
 * At most one of each email per user rests on the database (claimEmailSend), not on Inngest:
 * `idempotency` only spares a duplicate run for 24 hours, and a Clerk resend a week later is a new
 * event. `cancelOn` stops the run when the user is deleted, and the claim refuses a tombstoned user
 * whatever the order the events were handled in.
 */
export function createWelcomeWorkflow(inngest: InngestClient, deps: WelcomeWorkflowDeps) {
  return inngest.createFunction(
    {
      id: "welcome-new-user",
      name: "Welcome a new user, and follow up if their profile stays unfinished",
      triggers: [clerkUserEvents.created],
      idempotency: "event.data.id",
      cancelOn: [{ event: clerkUserEvents.deleted, if: "async.data.id == event.data.id" }],
    },
    async ({ event, step, logger }): Promise<WelcomeWorkflowResult> => {
      const userId = event.data.id;
      const send = { db: deps.db, mailer: deps.mailer, logger };

      const welcome = await step.run("send-welcome-email", async (): Promise<EmailResult> => {
        const to = primaryEmailOf(event.data);
        if (!to) return { kind: "welcome", outcome: "skipped", reason: "no-address" };
        const composed = await composeWelcomeEmail({
          firstName: event.data.first_name ?? null,
          appUrl: deps.appOrigin,
        });
        return sendEmailOnce(send, { userId, kind: "welcome", productEmail: false, email: { to, ...composed } });
      });

      const completed = await step.waitForEvent("wait-for-profile", {
        event: userProfileCompleted,
        timeout: deps.followUpAfter,
        if: "async.data.userId == event.data.id",
      });
      if (completed)
        return { userId, welcome, followUp: { kind: "follow-up", outcome: "skipped", reason: "profile-complete" } };

      const followUp = await step.run("send-follow-up-email", async (): Promise<EmailResult> => {
        // Read now, days later: the address or name may have changed, and the profile may have been
        // completed without the event arriving (it is sent on a best-effort basis).
        const user = await findUserById(deps.db, userId);
        if (user?.display_name) return { kind: "follow-up", outcome: "skipped", reason: "profile-complete" };
        const to = user?.deleted_at ? null : (user?.email ?? primaryEmailOf(event.data));
        const linkId = await ensureEmailLinkId(deps.db, userId);
        if (!linkId) return { kind: "follow-up", outcome: "skipped", reason: "user-deleted" };
        if (!to) return { kind: "follow-up", outcome: "skipped", reason: "no-address" };
        const unsubscribeUrl = unsubscribeUrlFor(deps, linkId);
        const composed = await composeFollowUpEmail({
          firstName: user?.first_name ?? event.data.first_name ?? null,
          profileUrl: deps.appOrigin,
          unsubscribeUrl,
        });
        return sendEmailOnce(send, {
          userId,
          kind: "follow-up",
          productEmail: true,
          // RFC 8058: a mail client may offer "Unsubscribe" and POST to the link without opening it.
          email: {
            to,
            ...composed,
            headers: {
              "List-Unsubscribe": `<${unsubscribeUrl}>`,
              "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
          },
        });
      });
      return { userId, welcome, followUp };
    },
  );
}

function unsubscribeUrlFor(deps: Pick<WelcomeWorkflowDeps, "appOrigin" | "linkSecret">, linkId: string): string {
  const expiresAt = Math.floor(Date.now() / 1000) + UNSUBSCRIBE_LINK_LIFETIME_SECONDS;
  const token = signEmailLink(deps.linkSecret, { recipient: linkId, purpose: "unsubscribe-product-emails", expiresAt });
  const url = new URL(UNSUBSCRIBE_PATH, deps.appOrigin);
  url.searchParams.set("token", token);
  return url.toString();
}
