/**
 * Most calls one tRPC HTTP request may batch. Every call runs its own procedure and queries, so without a
 * cap one GET listing 300 calls makes the server do 300 calls' work. The server refuses a larger batch
 * with 400 before running any of it; the web app's batch link splits at the same number.
 *
 * The web app bundles this module (`@repo/server/limits`): it must stay free of imports.
 */
export const TRPC_MAX_BATCH_SIZE = 10;
