export type { EmailSend, EmailSendState } from "../schema.ts";
export {
  claimEmailSend,
  type EmailClaim,
  type EmailSendKey,
  type EmailSendOutcome,
  type EmailSkipReason,
  ensureEmailLinkId,
  eraseEmailRecordsOf,
  findEmailSend,
  findEmailSendsOf,
  recordEmailSendOutcome,
  setProductEmails,
  unsubscribeByLinkId,
  wantsProductEmails,
} from "./repository.ts";
