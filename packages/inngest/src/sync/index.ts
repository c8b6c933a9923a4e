export { describeIssues, type ParseResult } from "./clerk-values.ts";
export {
  type ForwardedClerkWebhookType,
  isForwardedClerkEvent,
  parseClerkEventData,
} from "./clerk-webhook-events.ts";
