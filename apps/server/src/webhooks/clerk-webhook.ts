import { verifyWebhook } from "@clerk/express/webhooks";
import { forwardedEventName, isForwardedClerkEvent, parseClerkEventData } from "@repo/clerk/webhooks";
import type { Db } from "@repo/db/client";
import { recordSyncActivity } from "@repo/db/sync";
import type { InngestClient } from "@repo/inngest/client";
import express, { type Router } from "express";
import type { Logger } from "pino";
import { refuseImplausibleSvixHeaders } from "./svix-headers.ts";

export type ClerkWebhookDeps = {
  db: Db;
  inngest: InngestClient;
  signingSecret: string | undefined;
  logger: Logger;
};

/**
 * Clerk -> this endpoint -> Inngest. Clerk signs each delivery with Svix; we verify it with Clerk's
 * `verifyWebhook` over the raw body (which is why this router parses nothing as JSON first), then
 * forward `user.*`, `organization.*` and `organizationMembership.*` events to Inngest as
 * `clerk/<type>`, each validated by its Clerk object's parser and reduced to the fields the functions
 * read (see @repo/clerk/webhooks: private metadata, phone numbers, permissions and the like never reach
 * Inngest's event store).
 * The `svix-id` header becomes the Inngest event id, so when Svix retries a delivery Inngest drops the
 * duplicate. That only holds if the id forwarded is the id whose signature was checked: Clerk's
 * `verifyWebhook` trims the header before checking, so `msg_…` plus a trailing no-break space would verify
 * and yet reach Inngest as a new id, a replay its deduplication cannot see. So the header must be exactly
 * a Svix message id (`msg_` and letters and digits, which nothing trims), or the delivery is refused.
 *
 * Status codes are what Svix acts on: 2xx stops its retries, anything else retries with backoff. So a
 * bad signature or payload is 400 (nothing forwarded), an event type we do not handle is 200 (nothing
 * to do, ever), and Inngest being unreachable is 503 (try again later; nothing is lost). The Inngest
 * client gives each send SEND_EVENT_TIMEOUT_MS (10 s) in all, so a stalled Inngest still gets its 503
 * answered before Svix's own 15 s delivery timeout.
 */
export function createClerkWebhookRouter(deps: ClerkWebhookDeps): Router {
  const webhookRouter = express.Router();
  const { signingSecret } = deps;
  if (!signingSecret) {
    webhookRouter.post("/", (_req, res) => {
      deps.logger.error("CLERK_WEBHOOK_SIGNING_SECRET is not set: Clerk webhooks cannot be verified");
      res.status(503).json({
        error:
          "CLERK_WEBHOOK_SIGNING_SECRET is not set: copy it from the Clerk dashboard (Webhooks > your endpoint > Signing Secret)",
      });
    });
    return webhookRouter;
  }
  webhookRouter.post(
    "/",
    // Headers first: a delivery they condemn is refused before its body is read.
    refuseImplausibleSvixHeaders(deps.logger),
    // Svix sends plain JSON: a compressed body (a few kB unpacking to the whole limit) is refused unread (415).
    express.raw({ type: () => true, limit: "512kb", inflate: false }),
    async (req, res) => {
      let event: Awaited<ReturnType<typeof verifyWebhook>>;
      try {
        event = await verifyWebhook(req, { signingSecret });
      } catch (error) {
        // Clerk's messages start with the package's name, which callers have no need to learn.
        const reason = (error instanceof Error ? error.message : String(error)).replace(/^@clerk\/[\w-]+: /, "");
        deps.logger.warn({ reason }, "rejected a Clerk webhook that failed verification");
        res.status(400).json({ error: `Webhook verification failed: ${reason}` });
        return;
      }
      // For the operators' console. Not awaited: a slow database must not hold up Clerk's delivery, whose
      // event is what matters; a lost time stamp costs one stale line on the console.
      recordSyncActivity(deps.db, "webhook_received").catch((error: unknown) => {
        deps.logger.warn({ err: error }, "could not record when the last Clerk webhook arrived");
      });
      // refuseImplausibleSvixHeaders held the header to a Svix message id, which nothing trims: the id
      // forwarded below is exactly the one whose signature Clerk checked.
      const svixId = req.header("svix-id") as string;
      // Signed is not the same as well-formed: the type is echoed and logged below, so it must be text
      // (a deeply nested value there would overflow JSON.stringify).
      const type: unknown = event.type;
      if (typeof type !== "string") {
        deps.logger.warn({ svixId }, "rejected a Clerk webhook whose type is not a string");
        res.status(400).json({ error: "Invalid event: type is not a string" });
        return;
      }
      if (!isForwardedClerkEvent(event.type)) {
        deps.logger.info({ type: event.type, svixId }, "ignored a Clerk webhook type this app does not handle");
        res.status(200).json({ ignored: event.type });
        return;
      }
      const data = parseClerkEventData(event.type, event.data);
      if (!data.success) {
        const { reason } = data;
        deps.logger.warn({ type: event.type, svixId, reason }, "rejected a Clerk webhook with an invalid payload");
        res.status(400).json({ error: `Invalid ${event.type} payload: ${reason}` });
        return;
      }
      const name = forwardedEventName(event.type);
      try {
        await deps.inngest.send({ id: svixId, name, data: data.data });
      } catch (error) {
        deps.logger.error({ err: error, type: event.type, svixId }, "could not forward a Clerk webhook to Inngest");
        res.status(503).json({ error: "Could not reach Inngest; Clerk will retry this delivery" });
        return;
      }
      deps.logger.info({ type: event.type, svixId }, "forwarded a Clerk webhook to Inngest");
      res.status(200).json({ forwarded: name, id: svixId });
    },
  );
  return webhookRouter;
}
