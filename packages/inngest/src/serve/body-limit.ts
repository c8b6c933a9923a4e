/**
 * The largest body Inngest sends to serve(), 4 MiB. Its executor caps the request it sends an SDK at
 * 4 MiB (MaxSDKRequestBodySize in inngest/inngest's pkg/consts); a run whose events and step results
 * would not fit is sent with `ctx.use_api` instead, and the SDK fetches them from Inngest's API. What
 * fills it is published: a step may return up to 4 MB, an event may be up to 256 KiB (3 MiB on paid
 * plans), and a run's state up to 32 MB. This app's own runs (Clerk objects, small step results) stay
 * far below it; a smaller INNGEST_MAX_BODY_BYTES bounds what a caller with a made-up signature of the
 * right shape can make the server parse, at the price of a 413 for any genuine run that is bigger.
 */
export const DEFAULT_INNGEST_MAX_BODY_BYTES = 4 * 1024 * 1024;

/** Above this nothing Inngest sends would need it: refused as a likely typo. */
export const MAX_INNGEST_MAX_BODY_BYTES = 32 * 1024 * 1024;
