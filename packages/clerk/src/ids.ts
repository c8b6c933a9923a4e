import { z } from "zod";

/**
 * The shapes of the ids Clerk mints: a prefix naming the kind (`user_`, `org_`, `orgmem_`, `sess_`) and a
 * KSUID in base62, e.g. `user_2NNEqL2nrIRdJ194ndJqAHwEfxC`. Svix, which delivers Clerk's webhooks, names
 * each message the same way (`msg_…`).
 *
 * Every id that reaches a Backend API URL (`/v1/users/<id>`), a query or an Inngest event id is held to
 * its shape where it enters: a session claim, a webhook payload or header, a Clerk answer. Clerk's SDK
 * puts ids into URL paths unescaped, so `org_B?x=` would become a query string; a non-string (`["org_B"]`)
 * would reach Kysely, which turns an array into a list. Letters and digits only leaves neither room.
 *
 * Strict on the alphabet, tolerant of length: Clerk's ids are 27 characters after the prefix today, and
 * a longer one some day must not fail every webhook; the bound keeps ids far below Postgres' index limit.
 */
const MAX_ID_BODY_LENGTH = 64;

function prefixedId(prefix: string, what: string) {
  const shape = new RegExp(`^${prefix}_[0-9A-Za-z]{1,${MAX_ID_BODY_LENGTH}}$`);
  return z.string().regex(shape, `is not ${what} (${prefix}_ followed by letters and digits)`);
}

export const clerkUserId = prefixedId("user", "a Clerk user id");
export const clerkOrganizationId = prefixedId("org", "a Clerk organization id");
export const clerkMembershipId = prefixedId("orgmem", "a Clerk organization membership id");
export const clerkSessionId = prefixedId("sess", "a Clerk session id");
/** The `svix-id` header of a webhook delivery, which is also the Inngest event id it is forwarded under. */
export const svixMessageId = prefixedId("msg", "a Svix message id");
