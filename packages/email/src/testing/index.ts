export { type ReceivedEmail, startTestSmtpServer, type TestSmtpServer, useTestSmtpServer } from "./test-smtp-server.ts";
