import type { ParseResult } from "./clerk-values.ts";
import { type ClerkUserWebhookType, clerkUserEventTypes, parseClerkUserEventData } from "./users/user-events.ts";

/**
 * The Clerk webhook types this app forwards to Inngest, by Clerk's name (`user.created`); each becomes
 * the Inngest event `clerk/<type>`.
 */
const forwardedClerkEventTypes = { ...clerkUserEventTypes } as const;

export type ForwardedClerkWebhookType = keyof typeof forwardedClerkEventTypes;

export function isForwardedClerkEvent(type: string): type is ForwardedClerkWebhookType {
  return Object.hasOwn(forwardedClerkEventTypes, type);
}

/**
 * Validates the `data` of a Clerk webhook we forward, with the parser of its Clerk object, and reduces it
 * to what the functions read: what the webhook sends to Inngest, or why it cannot (naming the field).
 */
export function parseClerkEventData(type: ForwardedClerkWebhookType, data: unknown): ParseResult<object> {
  return parseClerkUserEventData(type satisfies ClerkUserWebhookType, data);
}
