export {
  createRefusedCallLog,
  REFUSAL_LOG_INTERVAL_MS,
  type RefusalReason,
  type RefusedCallLog,
} from "./refused-calls.ts";
