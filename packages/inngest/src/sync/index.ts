export {
  clerkMembershipId,
  clerkOrganizationId,
  clerkSessionId,
  clerkUserId,
  svixMessageId,
} from "./clerk-ids.ts";
export { describeIssues, type ParseResult } from "./clerk-values.ts";
export {
  type ForwardedClerkWebhookType,
  isForwardedClerkEvent,
  parseClerkEventData,
} from "./clerk-webhook-events.ts";
