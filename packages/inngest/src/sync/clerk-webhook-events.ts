import type { ParseResult } from "@repo/clerk/parse-result";
import {
  type ClerkMembershipWebhookType,
  clerkMembershipEventTypes,
  parseClerkMembershipEventData,
} from "./memberships/membership-events.ts";
import {
  type ClerkOrganizationWebhookType,
  clerkOrganizationEventTypes,
  parseClerkOrganizationEventData,
} from "./organizations/organization-events.ts";
import { type ClerkUserWebhookType, clerkUserEventTypes, parseClerkUserEventData } from "./users/user-events.ts";

/**
 * The Clerk webhook types this app forwards to Inngest, by Clerk's name (`user.created`); each becomes
 * the Inngest event `clerk/<type>`.
 */
const forwardedClerkEventTypes = {
  ...clerkUserEventTypes,
  ...clerkOrganizationEventTypes,
  ...clerkMembershipEventTypes,
} as const;

export type ForwardedClerkWebhookType = keyof typeof forwardedClerkEventTypes;

export function isForwardedClerkEvent(type: string): type is ForwardedClerkWebhookType {
  return Object.hasOwn(forwardedClerkEventTypes, type);
}

/**
 * Validates the `data` of a Clerk webhook we forward, with the parser of its Clerk object, and reduces it
 * to what the functions read: what the webhook sends to Inngest, or why it cannot (naming the field).
 */
export function parseClerkEventData(type: ForwardedClerkWebhookType, data: unknown): ParseResult<object> {
  if (isOfType(type, clerkUserEventTypes)) return parseClerkUserEventData(type, data);
  if (isOfType(type, clerkOrganizationEventTypes)) return parseClerkOrganizationEventData(type, data);
  return parseClerkMembershipEventData(type, data);
}

function isOfType<T extends ClerkUserWebhookType | ClerkOrganizationWebhookType | ClerkMembershipWebhookType>(
  type: ForwardedClerkWebhookType,
  types: Record<T, unknown>,
): type is T {
  return Object.hasOwn(types, type);
}
