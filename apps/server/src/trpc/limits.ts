/**
 * Most calls one tRPC HTTP request may batch. Every call runs its own procedure and queries, so without a
 * cap one GET listing 300 calls makes the server do 300 calls' work. The server refuses a larger batch
 * with 400 before running any of it; the web app's batch link splits at the same number.
 *
 * The web app bundles this module (`@repo/server/limits`): it must stay free of imports.
 */
export const TRPC_MAX_BATCH_SIZE = 10;

/** Largest tRPC request body; more is refused with 413 (PAYLOAD_TOO_LARGE). */
export const TRPC_MAX_BODY_BYTES = 100 * 1024;
