import { randomBytes } from "node:crypto";
import type { ClerkClient } from "@clerk/backend";
import type { Db } from "@repo/db/client";
import type { Mailer } from "@repo/email/transport";
import type { InngestClient } from "@repo/inngest/client";
import { UNSUBSCRIBE_PATH } from "@repo/inngest/emails";
import { createFunctions, type SyncBatching } from "@repo/inngest/functions";
import type { ClerkPace } from "@repo/inngest/reconcile";
import { createRefusedCallLog, DEFAULT_INNGEST_MAX_BODY_BYTES } from "@repo/inngest/serve";
import { createExpressMiddleware } from "@trpc/server/adapters/express";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import cors from "cors";
import express, { type ErrorRequestHandler, type Express, type RequestHandler } from "express";
import { serve } from "inngest/express";
import type { Logger } from "pino";
import { authStateOf, type ClerkAuthConfig, clerkAuthMiddleware } from "./auth/clerk-auth.ts";
import { CLERK_LOOKUP_TIMEOUT_MS } from "./clerk/just-in-time-lookup.ts";
import { createUnsubscribeRouter } from "./emails/unsubscribe-route.ts";
import { createUserEvents } from "./emails/user-events.ts";
import { noStore } from "./http/cache-control.ts";
import { healthHandler } from "./http/health.ts";
import { requestLogger } from "./http/request-logger.ts";
import { securityHeaders } from "./http/security-headers.ts";
import { createWebAppRouter } from "./http/web-app.ts";
import { createAppMetrics } from "./metrics/metrics.ts";
import { createOpsServices } from "./ops/ops-services.ts";
import { createOrganizationDirectory } from "./organizations/organization-directory.ts";
import { refuseImplausibleSignatures } from "./pipeline/inngest-signature-gate.ts";
import { appRouter } from "./router.ts";
import { type ContextDeps, createInnerContext } from "./trpc/context.ts";
import { TRPC_MAX_BATCH_SIZE, TRPC_MAX_BODY_BYTES } from "./trpc/limits.ts";
import { createUserDirectory } from "./users/user-directory.ts";
import { createClerkWebhookRouter } from "./webhooks/clerk-webhook.ts";

export type AppDeps = {
  db: Db;
  inngest: InngestClient;
  /**
   * The origin Inngest is told to call when this app registers (e.g. https://app.example.com). Without
   * it the SDK builds that URL from the request's Host header; production always sets it (env.ts).
   */
  inngestServeOrigin?: string | undefined;
  /** Largest body /api/inngest reads (default DEFAULT_INNGEST_MAX_BODY_BYTES); more gets 413. */
  inngestMaxBodyBytes?: number | undefined;
  /** How Inngest batches the sync functions' events (default DEFAULT_SYNC_BATCHING). */
  syncBatching?: SyncBatching | undefined;
  logger: Logger;
  /** Absent when Clerk is not configured yet: every request is then signed out. */
  clerkAuth: ClerkAuthConfig | undefined;
  /** For looking up users and organizations the webhook has not delivered yet; needs CLERK_SECRET_KEY. */
  clerkClient: ClerkClient | undefined;
  /** The bound on such a lookup (default CLERK_LOOKUP_TIMEOUT_MS). */
  clerkLookupTimeoutMs?: number | undefined;
  webhookSigningSecret: string | undefined;
  /** Origins of the web app, for CORS. */
  webOrigins: string[];
  /** The built web app to serve from this process, if any. */
  webDistDir?: string | undefined;
  /** Cron schedule of the Clerk reconciliation (default daily). */
  reconcileSchedule?: string | undefined;
  /** Cron schedule of the incremental reconciliation (default every 5 minutes; null: on demand only). */
  reconcileIncrementalSchedule?: string | null | undefined;
  /** How fast the reconciliations may ask Clerk (clerkPaceFor); unpaced when not given. */
  reconcileClerkPace?: ClerkPace | undefined;
  /** When a reconciliation stops instead of tombstoning (default: more than 10% and more than 10 users). */
  reconcileTombstoneLimit?: { share: number; minCount: number } | undefined;
  /**
   * Send callers the message and stack of a failure inside the server. Development only: elsewhere they
   * get a generic message and the details go to the log. Default false.
   */
  exposeErrorDetails?: boolean | undefined;
  /**
   * Signs and checks unsubscribe links (EMAIL_LINK_SECRET). Absent: a random one, so no link this app
   * did not sign verifies (for apps that send no email).
   */
  emailLinkSecret?: string | undefined;
  /** The welcome workflow's transport and wait; absent (no SMTP_URL): no emails are sent. */
  email?: { mailer: Mailer; followUpAfter: string } | undefined;
  /** Clerk user ids of the operators, who may use the console (ops.*, /ops); nobody when absent or empty. */
  operatorUserIds?: readonly string[] | undefined;
  /** The bearer token /metrics asks for (METRICS_TOKEN); without one, /metrics answers 404. */
  metricsToken?: string | undefined;
};

const INNGEST_SERVE_PATH = "/api/inngest";

/** Builds the Express app. Listening is main.ts's job, so tests can build it with test dependencies. */
export function createApp(appDeps: AppDeps): Express {
  const deps = { ...appDeps, emailLinkSecret: appDeps.emailLinkSecret ?? randomBytes(32).toString("base64url") };
  const app = express();
  app.disable("x-powered-by");
  // Behind a load balancer on a private network, take its X-Forwarded-Proto/-For (the client address in
  // request logs, the scheme of redirects). Proxies on public addresses are not trusted.
  app.set("trust proxy", "loopback, linklocal, uniquelocal");
  app.use(requestLogger(deps.logger));
  app.use(securityHeaders(deps.clerkAuth?.publishableKey));
  // Answers carry personal data (user.me, org.members) or a verdict on a credential: no browser or
  // proxy may keep one, whoever is signed in next. Every /api answer, errors and 404s included.
  app.use(["/api", "/healthz", "/metrics"], noStore);

  // The API first: nearly every request is a tRPC call, and each mount above it would be one more path
  // to match on every one of them. The mounts' paths do not overlap, so their order changes nothing else.
  const clerkLookup = { db: deps.db, clerk: deps.clerkClient, clerkLookupTimeoutMs: deps.clerkLookupTimeoutMs };
  const users = createUserDirectory(clerkLookup);
  const organizations = createOrganizationDirectory(clerkLookup);
  const userEvents = createUserEvents(deps.inngest, deps.logger);
  const operatorUserIds = new Set(deps.operatorUserIds ?? []);
  const ops = createOpsServices({
    clerk: deps.clerkClient,
    inngest: deps.inngest,
    clerkLookupTimeoutMs: deps.clerkLookupTimeoutMs ?? CLERK_LOOKUP_TIMEOUT_MS,
  });
  // The same for every request: built once, not on each call.
  const contextDeps: ContextDeps = {
    db: deps.db,
    users,
    organizations,
    exposeErrorDetails: deps.exposeErrorDetails,
    userEvents,
    logger: deps.logger,
    operatorUserIds,
    ops,
  };
  app.use(
    "/api/trpc",
    cors({ origin: deps.webOrigins, maxAge: 600 }),
    refuseUnknownProcedurePaths,
    clerkAuthMiddleware(deps.clerkAuth, deps.logger),
    // tRPC reads and parses the body itself, and only once a procedure needs its input: after the auth
    // check, so an anonymous caller's body is never parsed. (express.json here would parse it, then tRPC
    // would serialise it back to text and parse it again.)
    createExpressMiddleware({
      router: appRouter,
      maxBodySize: TRPC_MAX_BODY_BYTES,
      maxBatchSize: TRPC_MAX_BATCH_SIZE,
      createContext: ({ res }) => createInnerContext(contextDeps, authStateOf(res)),
      // Every failure inside the server, with its cause. For an unexpected one, this log is the only place
      // the details go: its caller gets a generic message (trpc.ts).
      onError: ({ error, path }) => {
        if (getHTTPStatusCodeFromError(error) >= 500) deps.logger.error({ err: error, path }, "tRPC procedure failed");
      },
    }),
  );

  app.get("/healthz", healthHandler(deps.db, deps.logger));
  const metrics = createAppMetrics({ db: deps.db, token: deps.metricsToken });
  // Before the web app, which would answer any other GET with its page.
  app.use("/metrics", metrics.router);

  // Before any JSON parser: the signature covers the raw bytes.
  app.use(
    "/api/webhooks/clerk",
    metrics.countWebhookRequests,
    createClerkWebhookRouter({ ...deps, signingSecret: deps.webhookSigningSecret }),
  );

  app.use(
    INNGEST_SERVE_PATH,
    // Before the body parser: a call whose signature header cannot be valid is refused unread.
    refuseImplausibleSignatures(deps.inngest, createRefusedCallLog(deps.logger)),
    // Inngest sends plain JSON: a compressed body (a few kB that unpack to the whole limit, all of it to parse
    // and canonicalise before the signature can be checked) is refused with 415 unread.
    express.json({ limit: deps.inngestMaxBodyBytes ?? DEFAULT_INNGEST_MAX_BODY_BYTES, inflate: false }),
    serve({
      client: deps.inngest,
      // Every call, sync (PUT) and introspection (GET) included, must carry Inngest's signature: an
      // unsigned PUT would otherwise make the SDK register whatever URL the request's Host names, signed
      // with our key. (Dev mode has no signatures; production refuses dev mode.)
      enableUnauthedSync: false,
      ...(deps.inngestServeOrigin ? { serveOrigin: deps.inngestServeOrigin, servePath: INNGEST_SERVE_PATH } : {}),
      functions: createFunctions(deps.inngest, {
        db: deps.db,
        syncBatching: deps.syncBatching,
        clerk: deps.clerkClient,
        reconcileSchedule: deps.reconcileSchedule,
        reconcileIncrementalSchedule: deps.reconcileIncrementalSchedule,
        reconcileClerkPace: deps.reconcileClerkPace,
        reconcileTombstoneLimit: deps.reconcileTombstoneLimit,
        email: emailWorkflowDeps(deps),
      }),
    }),
  );

  // Reached from an email, signed out, on the web app's origin (UNSUBSCRIBE_PATH).
  app.use(
    UNSUBSCRIBE_PATH,
    createUnsubscribeRouter({ db: deps.db, linkSecret: deps.emailLinkSecret, logger: deps.logger }),
  );

  app.use("/api", (_req, res) => {
    res.status(404).json({ error: "Not found" });
  });
  if (deps.webDistDir) app.use(createWebAppRouter(deps.webDistDir, { publishableKey: deps.clerkAuth?.publishableKey }));
  app.use(jsonErrors(deps.logger));
  return app;
}

/** The emails link to the first web origin: production requires one, development defaults it. */
function emailWorkflowDeps(deps: AppDeps & { emailLinkSecret: string }) {
  const appOrigin = deps.webOrigins[0];
  if (!deps.email || !appOrigin) return undefined;
  return { ...deps.email, appOrigin, linkSecret: deps.emailLinkSecret };
}

/** Procedure names joined by dots (`user.me`), a batch of them by commas: tRPC's paths, as its client sends them. */
const TRPC_PATH = /^\/[\w.,]+$/;

/**
 * Any other path is no procedure: 404 before tRPC reads it. (tRPC decodes the path first and answers a
 * malformed escape such as `/api/trpc/%` with a 500 and two error lines with stacks, to anyone.)
 */
const refuseUnknownProcedurePaths: RequestHandler = (req, res, next) => {
  if (TRPC_PATH.test(req.path)) return next();
  res.status(404).json({ error: "Not found" });
};

/** Errors from body parsers and the like, as JSON with their status (413 for a body over the limit). */
function jsonErrors(logger: Logger): ErrorRequestHandler {
  return (error, _req, res, _next) => {
    const status = typeof error?.status === "number" && error.status >= 400 ? error.status : 500;
    if (status >= 500) logger.error({ err: error }, "request failed");
    res.status(status).json({ error: status >= 500 ? "Internal server error" : error.message });
  };
}
