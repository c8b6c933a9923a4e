export { type RawSmtpMode, type RawSmtpServer, type RawSmtpStage, startRawSmtpServer } from "./raw-smtp-server.ts";
export { type ReceivedEmail, startTestSmtpServer, type TestSmtpServer, useTestSmtpServer } from "./test-smtp-server.ts";
