import type { Logger } from "inngest";

/**
 * Why a call to the serve endpoint (/api/inngest) was refused with 401. A fixed set: the throttle below
 * keeps one entry per reason, so what it remembers stays bounded whatever callers send.
 */
export type RefusalReason =
  | "missing-signature"
  | "malformed-signature"
  | "stale-signature"
  | "invalid-signature"
  | "missing-body";

/** At most one line per reason in this long; the next line says how many were left out. */
export const REFUSAL_LOG_INTERVAL_MS = 60_000;

export type RefusedCallLog = (reason: RefusalReason, details?: Record<string, unknown>) => void;

/**
 * Reports calls refused at the serve endpoint. Anyone can make them, so each is a warning (the caller's
 * mistake or a probe, not a fault here) without a stack, and at most one line per reason per interval:
 * a flood of bad calls costs the log one line a minute per reason, with a count of the ones left out.
 */
export function createRefusedCallLog(
  logger: Pick<Logger, "warn">,
  options: { intervalMs?: number; now?: () => number } = {},
): RefusedCallLog {
  const intervalMs = options.intervalMs ?? REFUSAL_LOG_INTERVAL_MS;
  const now = options.now ?? Date.now;
  const lastLineOf = new Map<RefusalReason, { at: number; leftOut: number }>();
  return (reason, details) => {
    const at = now();
    const last = lastLineOf.get(reason);
    if (last && at - last.at < intervalMs) {
      last.leftOut += 1;
      return;
    }
    lastLineOf.set(reason, { at, leftOut: 0 });
    logger.warn(
      { ...details, reason, leftOutSinceLastLine: last?.leftOut ?? 0 },
      "Refused a call to the Inngest endpoint",
    );
  };
}

/**
 * What the SDK's verification errors mean (RequestSignature and validateSignature in inngest 4.x's
 * InngestCommHandler). Any other failure of the verification is the caller's too: a body the SDK cannot
 * canonicalise (nested deeper than its recursion goes, say) fails the same check, so it is an
 * `invalid-signature`. The one failure that is ours, a missing signing key, stays an error.
 */
const REASON_OF_SDK_ERROR: Record<string, RefusalReason> = {
  "No x-inngest-signature provided": "missing-signature",
  "Invalid x-inngest-signature provided": "malformed-signature",
  "Signature has expired": "stale-signature",
};

/** The start of the SDK's message when it has no signing key to verify with: a fault of this server. */
const NO_SIGNING_KEY = "No signing key found";

/**
 * The SDK's own logger (its `internalLogger`), with the refusals it reports sent to `refusals`. The SDK
 * logs every call it refuses as an error carrying the verification's stack ("Signature validation
 * failed"; "Missing body when executing" for a POST without a body), so anyone could fill the error log
 * with unsigned calls or calls with a made-up signature. Every other message passes through unchanged.
 */
export function withRefusalsThrottled(logger: Logger, refusals: RefusedCallLog): Logger {
  return {
    info: (...args) => logger.info(...args),
    warn: (...args) => logger.warn(...args),
    debug: (...args) => logger.debug(...args),
    error: (...args) => {
      const refusal = refusalReportedBySdk(args);
      if (refusal) refusals(refusal.reason, refusal.details);
      else logger.error(...args);
    },
  };
}

function refusalReportedBySdk(
  args: unknown[],
): { reason: RefusalReason; details?: Record<string, unknown> } | undefined {
  const message = args.find((arg) => typeof arg === "string");
  if (message?.startsWith("Missing body when executing")) return { reason: "missing-body" };
  if (message !== "Signature validation failed") return undefined;
  const fields = args[0] as { err?: unknown; method?: unknown } | undefined;
  const errorMessage = fields?.err instanceof Error ? fields.err.message : String(fields?.err);
  if (errorMessage.startsWith(NO_SIGNING_KEY)) return undefined;
  return { reason: REASON_OF_SDK_ERROR[errorMessage] ?? "invalid-signature", details: { method: fields?.method } };
}
