export { DEFAULT_INNGEST_MAX_BODY_BYTES } from "./body-limit.ts";
export {
  createRefusedCallLog,
  REFUSAL_LOG_INTERVAL_MS,
  type RefusalReason,
  type RefusedCallLog,
} from "./refused-calls.ts";
