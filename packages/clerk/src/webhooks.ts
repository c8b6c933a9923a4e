import { parseClerkMembership } from "./memberships/clerk-membership.ts";
import { reduceClerkMembership } from "./memberships/membership-webhook.ts";
import { parseClerkOrganization, parseDeletedClerkOrganization } from "./organizations/clerk-organization.ts";
import { reduceClerkOrganization } from "./organizations/organization-webhook.ts";
import { mapParsed, type ParseResult } from "./parse-result.ts";
import { parseClerkUser, parseDeletedClerkUser } from "./users/clerk-user.ts";
import { reduceClerkUser } from "./users/user-webhook.ts";

/** Parses with `parse` and reduces the result with `reduce`: how each forwarded webhook's data is read. */
function parsedAndReduced<T, U extends object>(parse: (data: unknown) => ParseResult<T>, reduce: (value: T) => U) {
  return (data: unknown): ParseResult<U> => mapParsed(parse(data), reduce);
}

/** A delete as it is forwarded: Clerk sends the id only, and `deleted` tells the functions it is one. */
function reduceDeleted(deleted: { id: string }) {
  return { id: deleted.id, deleted: true as const };
}

const parseUserData = parsedAndReduced(parseClerkUser, reduceClerkUser);
const parseOrganizationData = parsedAndReduced(parseClerkOrganization, reduceClerkOrganization);
const parseMembershipData = parsedAndReduced(parseClerkMembership, reduceClerkMembership);

/**
 * The Clerk webhooks this app forwards to Inngest, by Clerk's name (`user.created`), each with the parser
 * that validates its `data` and reduces it to what the functions read. Each becomes the Inngest event
 * forwardedEventName(type).
 */
const FORWARDED_DATA_PARSERS = {
  "user.created": parseUserData,
  "user.updated": parseUserData,
  "user.deleted": parsedAndReduced(parseDeletedClerkUser, reduceDeleted),
  "organization.created": parseOrganizationData,
  "organization.updated": parseOrganizationData,
  "organization.deleted": parsedAndReduced(parseDeletedClerkOrganization, reduceDeleted),
  "organizationMembership.created": parseMembershipData,
  "organizationMembership.updated": parseMembershipData,
  // Unlike a user's or an organization's, a membership's delete carries the whole membership.
  "organizationMembership.deleted": parseMembershipData,
} satisfies Record<string, (data: unknown) => ParseResult<object>>;

export type ForwardedClerkWebhookType = keyof typeof FORWARDED_DATA_PARSERS;

export function isForwardedClerkEvent(type: string): type is ForwardedClerkWebhookType {
  return Object.hasOwn(FORWARDED_DATA_PARSERS, type);
}

/**
 * The Inngest event a forwarded webhook becomes: `clerk/<type>`, the names Clerk's own Inngest
 * transformation template uses. The Inngest events are named with it too, so the two cannot drift apart.
 */
export function forwardedEventName<T extends ForwardedClerkWebhookType>(type: T): `clerk/${T}` {
  return `clerk/${type}`;
}

/**
 * Validates the `data` of a Clerk webhook we forward, with the parser of its Clerk object, and reduces it
 * to what the functions read: what the webhook sends to Inngest, or why it cannot (naming the field).
 */
export function parseClerkEventData(type: ForwardedClerkWebhookType, data: unknown): ParseResult<object> {
  return FORWARDED_DATA_PARSERS[type](data);
}
