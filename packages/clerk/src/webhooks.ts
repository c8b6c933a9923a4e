import {
  type ClerkMembershipWebhookType,
  clerkMembershipWebhookTypes,
  parseClerkMembershipEventData,
} from "./memberships/membership-webhook.ts";
import {
  type ClerkOrganizationWebhookType,
  clerkOrganizationWebhookTypes,
  parseClerkOrganizationEventData,
} from "./organizations/organization-webhook.ts";
import type { ParseResult } from "./parse-result.ts";
import { type ClerkUserWebhookType, clerkUserWebhookTypes, parseClerkUserEventData } from "./users/user-webhook.ts";

/**
 * The Clerk webhook types this app forwards to Inngest, by Clerk's name (`user.created`); each becomes
 * the Inngest event forwardedEventName(type).
 */
export type ForwardedClerkWebhookType =
  | ClerkUserWebhookType
  | ClerkOrganizationWebhookType
  | ClerkMembershipWebhookType;

export function isForwardedClerkEvent(type: string): type is ForwardedClerkWebhookType {
  return (
    isOneOf(type, clerkUserWebhookTypes) ||
    isOneOf(type, clerkOrganizationWebhookTypes) ||
    isOneOf(type, clerkMembershipWebhookTypes)
  );
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
  if (isOneOf(type, clerkUserWebhookTypes)) return parseClerkUserEventData(type, data);
  if (isOneOf(type, clerkOrganizationWebhookTypes)) return parseClerkOrganizationEventData(type, data);
  return parseClerkMembershipEventData(type, data);
}

function isOneOf<T extends string>(type: string, types: readonly T[]): type is T {
  return (types as readonly string[]).includes(type);
}
