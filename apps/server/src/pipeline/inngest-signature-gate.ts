import type { InngestClient } from "@repo/inngest/client";
import type { RefusalReason, RefusedCallLog } from "@repo/inngest/serve";
import type { RequestHandler } from "express";
import { headerKeys } from "inngest";

/**
 * How far a signature's timestamp may be from now, either way: the window the SDK allows
 * (RequestSignature.hasExpired in inngest 4.x, five minutes, not exported).
 */
export const SIGNATURE_WINDOW_MS = 5 * 60 * 1000;

/** Seconds since the epoch, as Inngest writes them (`t=1767225600`). */
const UNIX_SECONDS = /^\d{1,12}$/;
/** An HMAC-SHA256 in lowercase hex, as Inngest and the SDK write it; the SDK compares the text as is. */
const HMAC_SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * Whether an `X-Inngest-Signature` header (`t=<unix seconds>&s=<hex HMAC>`, perhaps with more
 * parameters) could be a valid one now, judged from the header alone. Read as the SDK reads it
 * (URLSearchParams); the HMAC itself is left to the SDK, which checks it over the canonical JSON of the
 * parsed body.
 */
export function judgeSignatureHeader(header: string | undefined, now: number): RefusalReason | "plausible" {
  if (!header) return "missing-signature";
  const params = new URLSearchParams(header);
  const timestamp = params.get("t") ?? "";
  if (!UNIX_SECONDS.test(timestamp) || !HMAC_SHA256_HEX.test(params.get("s") ?? "")) return "malformed-signature";
  return Math.abs(now - Number(timestamp) * 1000) > SIGNATURE_WINDOW_MS ? "stale-signature" : "plausible";
}

/**
 * Refuses, before any body parser runs, a call to serve() whose signature header cannot be valid: the
 * SDK would otherwise parse the body (up to the limit) and canonicalise all of it to compute the HMAC,
 * for anyone who asks. Every method is checked: runs (POST), syncs (PUT) and introspection (GET) all
 * need the signature (enableUnauthedSync is off). In dev mode the SDK checks no signatures and neither
 * does this (production refuses dev mode).
 *
 * The full HMAC is not checked here: the SDK computes it over the canonical JSON of the parsed body, not
 * over the bytes received, so a check of the raw bytes would refuse a genuine call whose JSON was
 * written differently. A made-up signature of the right shape and time therefore still costs a parse,
 * bounded by the body limit, and the SDK refuses it.
 */
export function refuseImplausibleSignatures(
  inngest: Pick<InngestClient, "mode">,
  refusals: RefusedCallLog,
  now: () => number = Date.now,
): RequestHandler {
  return (req, res, next) => {
    if (inngest.mode !== "cloud") return next();
    const verdict = judgeSignatureHeader(req.get(headerKeys.Signature), now());
    if (verdict === "plausible") return next();
    refusals(verdict, { method: req.method });
    // The body is left unread; closing the connection stops the caller from sending the rest of it
    // (Node would otherwise read and discard it to keep the connection alive).
    res.set("Connection", "close").status(401).json({ message: "Unauthorized" });
  };
}
