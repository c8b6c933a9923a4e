import { svixMessageId } from "@repo/clerk/ids";
import type { RequestHandler } from "express";
import type { Logger } from "pino";

/**
 * Svix's tolerance for a delivery's timestamp, either way (standardwebhooks' WEBHOOK_TOLERANCE_IN_SECONDS,
 * which Clerk's verifyWebhook uses): a delivery outside it fails verification whatever its body.
 */
const TIMESTAMP_TOLERANCE_SECONDS = 5 * 60;

/** `v1,` and a base64 HMAC, one or more separated by spaces (one per signing secret during a rotation). */
const SIGNATURE_LIST = /^v1,[A-Za-z0-9+/=]+( v1,[A-Za-z0-9+/=]+)*$/;

/**
 * Refuses, before any body is read, a delivery whose Svix headers could never verify: missing, an id that
 * is not a Svix message id, a timestamp outside Svix's tolerance, or a signature that is not Svix's form.
 * Anyone can call the endpoint, so its body (up to the parser's limit) must not be read, nor held while a
 * slow sender trickles it, for a request the headers already condemn. What passes is still verified in
 * full by Clerk's verifyWebhook; this only answers the hopeless ones early, with the same 400s.
 */
export function refuseImplausibleSvixHeaders(logger: Logger, now: () => number = Date.now): RequestHandler {
  return (req, res, next) => {
    const id = req.header("svix-id");
    const timestamp = req.header("svix-timestamp");
    const signature = req.header("svix-signature");
    const missing = Object.entries({ "svix-id": id, "svix-timestamp": timestamp, "svix-signature": signature })
      .filter(([, value]) => !value?.trim())
      .map(([name]) => name);
    let problem: { error: string; reason: string } | undefined;
    if (missing.length > 0) {
      const reason = `missing required webhook headers: ${missing.join(", ")}`;
      problem = { reason, error: `Webhook verification failed: ${reason}` };
    } else if (!svixMessageId.safeParse(id).success) {
      // Checked before the signature, and exactly: the id is forwarded to Inngest as the event id (see
      // clerk-webhook.ts), so only the spelling that was signed may pass.
      const reason = "svix-id header is not a Svix message id (msg_ followed by letters and digits)";
      problem = { reason, error: `Invalid webhook: ${reason}` };
    } else if (!isFresh(timestamp, now)) {
      const reason = `svix-timestamp is not within ${TIMESTAMP_TOLERANCE_SECONDS / 60} minutes of now`;
      problem = { reason, error: `Webhook verification failed: ${reason}` };
    } else if (!SIGNATURE_LIST.test(signature?.trim() ?? "")) {
      const reason = "svix-signature is not a list of v1 signatures";
      problem = { reason, error: `Webhook verification failed: ${reason}` };
    }
    if (!problem) return next();
    logger.warn({ reason: problem.reason }, "rejected a Clerk webhook that failed verification");
    // The body is left unread: close the connection rather than drain it.
    res.set("Connection", "close").status(400).json({ error: problem.error });
  };
}

function isFresh(timestamp: string | undefined, now: () => number): boolean {
  const seconds = timestamp?.trim() ?? "";
  if (!/^\d{1,12}$/.test(seconds)) return false;
  return Math.abs(now() / 1000 - Number(seconds)) <= TIMESTAMP_TOLERANCE_SECONDS;
}
