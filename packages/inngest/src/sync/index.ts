export {
  type ForwardedClerkWebhookType,
  isForwardedClerkEvent,
  parseClerkEventData,
} from "./clerk-webhook-events.ts";
