export { type ClerkApiStub, startClerkApiStub } from "@repo/clerk/testing";
export { type ClerkLocalModeServer, startClerkLocalModeServer } from "./clerk-local-server.ts";
export { createTestClerkInstance, signSessionToken, type TestClerkInstance } from "./clerk-session.ts";
export { signClerkWebhook } from "./clerk-webhooks.ts";
export { driveInngestRun, signInngestRequest, startInngestEventApiStub } from "./inngest-stubs.ts";
export {
  findFreePort,
  startTestServer,
  startTestServerWithDatabase,
  TEST_INNGEST_SIGNING_KEY,
  TEST_WEB_ORIGIN,
  TEST_WEBHOOK_SECRET,
  type TestServer,
} from "./test-server.ts";
export { callTrpc } from "./trpc-http.ts";
export { type SuiteServer, useTestServer } from "./use-test-server.ts";
