import { createServer as createHttpServer, type RequestListener } from "node:http";
import { type AddressInfo, createServer } from "node:net";
import { type ClerkClient, createClerkClient } from "@clerk/backend";
import type { Db } from "@repo/db/client";
import { openTestDatabase, type TestDatabaseKind } from "@repo/db/testing";
import { createMailer } from "@repo/email/transport";
import { createInngestClient, type InngestClient } from "@repo/inngest/client";
import { type Logger, pino } from "pino";
import { createApp } from "../app.ts";
import type { ClerkAuthConfig } from "../auth/clerk-auth.ts";
import type { VerifiedSessionCache } from "../auth/verified-session-cache.ts";
import type { TestClerkInstance } from "./clerk-session.ts";

export const TEST_WEB_ORIGIN = "http://localhost:5173";
export const TEST_WEBHOOK_SECRET = `whsec_${Buffer.from("offline-test-webhook-secret-32by").toString("base64")}`;
export const TEST_EMAIL_LINK_SECRET = "test-email-link-secret-for-the-test-server";
export const TEST_INNGEST_SIGNING_KEY = "signkey-test-8d2f1c4b6a7e9f0312a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f901";

export type TestServerOptions = {
  db: Db;
  clerk: TestClerkInstance;
  /** Clerk Backend API stand-in; without it, lookups go nowhere (port 9 is discard). */
  clerkApiUrl?: string;
  /** The bound on user.me's lookup in Clerk, to test a stalled Clerk without waiting the default. */
  clerkLookupTimeoutMs?: number;
  /** Inngest Event API stand-in; without it, sends fail as if Inngest were down. */
  inngestBaseUrl?: string;
  webOrigins?: string[];
  webDistDir?: string;
  logger?: Logger;
  /** Where the Inngest functions (their ctx.logger) and the Inngest SDK log; silent by default. */
  inngestLogger?: Logger;
  /** Run Inngest in dev mode, as with INNGEST_DEV in development: no signatures are checked. */
  inngestDev?: boolean;
  /** Remembered session verifications, to observe hits and misses. */
  sessionCache?: VerifiedSessionCache;
  /** Listen on this port (0: any free one). */
  port?: number;
  /** Start as a fresh clone would, with no Clerk publishable key: every request is signed out. */
  withoutClerkKeys?: boolean;
  /** As in development: callers see what failed inside the server. Default false, as in production. */
  exposeErrorDetails?: boolean;
  /** Signs unsubscribe links (default TEST_EMAIL_LINK_SECRET). */
  emailLinkSecret?: string;
  /** Send emails through this SMTP server (the welcome workflow is served); none by default. */
  smtpUrl?: string;
  /** OPERATOR_USER_IDS: who may use the operators' console; nobody by default. */
  operatorUserIds?: string[];
  /** METRICS_TOKEN: /metrics answers with it; off (404) by default. */
  metricsToken?: string;
};

export type TestServer = { url: string; inngest: InngestClient; close(): Promise<void> };

/** The real app over real HTTP on a free loopback port, with test keys at every hosted-service boundary. */
export async function startTestServer(options: TestServerOptions): Promise<TestServer> {
  const { clerk } = options;
  const clerkClient = createTestClerkClient(clerk, options.clerkApiUrl);
  const inngest = createInngestClient({
    baseUrl: options.inngestBaseUrl ?? "http://127.0.0.1:9/",
    eventKey: "test-event-key",
    signingKey: TEST_INNGEST_SIGNING_KEY,
    isDev: options.inngestDev ?? false,
    logger: options.inngestLogger ?? pino({ level: "silent" }),
  });
  const webOrigins = options.webOrigins ?? [TEST_WEB_ORIGIN];
  const app = createApp({
    db: options.db,
    inngest,
    logger: options.logger ?? pino({ level: "silent" }),
    clerkAuth: options.withoutClerkKeys
      ? undefined
      : testClerkAuthConfig(clerk, { clerkClient, webOrigins, sessionCache: options.sessionCache }),
    clerkClient,
    clerkLookupTimeoutMs: options.clerkLookupTimeoutMs,
    webhookSigningSecret: TEST_WEBHOOK_SECRET,
    webOrigins,
    webDistDir: options.webDistDir,
    exposeErrorDetails: options.exposeErrorDetails,
    emailLinkSecret: options.emailLinkSecret ?? TEST_EMAIL_LINK_SECRET,
    email: options.smtpUrl
      ? { mailer: createMailer({ smtpUrl: options.smtpUrl, from: "Test <hello@test.example>" }), followUpAfter: "3d" }
      : undefined,
    operatorUserIds: options.operatorUserIds,
    metricsToken: options.metricsToken,
  });
  return { ...(await listenOnLoopback(app, options.port)), inngest };
}

export type ListeningServer = { url: string; close(): Promise<void> };

/** Serves `app` over HTTP on a loopback port (any free one by default); close() drops open connections too. */
export async function listenOnLoopback(app: RequestListener, port = 0): Promise<ListeningServer> {
  const server = createHttpServer(app);
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Clerk's Backend API client for the test instance; its calls go to `apiUrl` (port 9, discard, by default). */
export function createTestClerkClient(clerk: TestClerkInstance, apiUrl = "http://127.0.0.1:9"): ClerkClient {
  return createClerkClient({
    publishableKey: clerk.publishableKey,
    secretKey: clerk.secretKey,
    jwtKey: clerk.jwtKey,
    apiUrl,
  });
}

/** How the test server verifies sessions: the test instance's keys, tokens minted for `webOrigins`. */
export function testClerkAuthConfig(
  clerk: TestClerkInstance,
  options: { clerkClient?: ClerkClient; webOrigins?: string[]; sessionCache?: VerifiedSessionCache | undefined } = {},
): ClerkAuthConfig {
  return {
    clerkClient: options.clerkClient ?? createTestClerkClient(clerk),
    publishableKey: clerk.publishableKey,
    secretKey: clerk.secretKey,
    jwtKey: clerk.jwtKey,
    authorizedParties: options.webOrigins ?? [TEST_WEB_ORIGIN],
    sessionCache: options.sessionCache,
  };
}

/** A loopback port nothing listens on right now, for a server whose origin must be known before it starts. */
export async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** startTestServer on a database of its own, fresh and migrated; close() shuts both. */
export async function startTestServerWithDatabase(
  options: Omit<TestServerOptions, "db">,
  kind: TestDatabaseKind = "pglite",
): Promise<TestServer & { db: Db }> {
  const database = await openTestDatabase(kind);
  const server = await startTestServer({ ...options, db: database.db });
  return {
    ...server,
    db: database.db,
    close: async () => {
      await server.close();
      await database.close();
    },
  };
}
