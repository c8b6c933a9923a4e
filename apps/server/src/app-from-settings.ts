import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createClerkClient } from "@clerk/backend";
import type { Db } from "@repo/db/client";
import { createMailer } from "@repo/email/transport";
import { createInngestClient } from "@repo/inngest/client";
import { clerkPaceFor } from "@repo/inngest/reconcile";
import type { Express } from "express";
import type { Logger } from "pino";
import { createApp } from "./app.ts";
import type { ServerEnv } from "./env.ts";

/**
 * The app as main.ts runs it, built from validated settings alone: every SDK client gets its keys and
 * mode from here, so nothing is decided by what else happens to be in process.env.
 */
export function createAppFromSettings(env: ServerEnv, deps: { db: Db; logger: Logger }): Express {
  const { logger } = deps;
  const { publishableKey, secretKey, jwtKey, apiUrl, webhookSigningSecret } = env.clerk;
  const clerkClient =
    publishableKey || secretKey
      ? createClerkClient({
          publishableKey,
          secretKey,
          jwtKey,
          apiUrl,
          telemetry: { disabled: env.clerk.telemetryDisabled ?? false },
        })
      : undefined;
  if (!publishableKey)
    logger.warn("CLERK_PUBLISHABLE_KEY is not set: every request is signed out until it is (see .env.example)");
  if (publishableKey?.startsWith("pk_test_") && env.nodeEnv === "production")
    logger.warn("CLERK_PUBLISHABLE_KEY belongs to a Clerk development instance: use the production instance's keys");

  const { smtpUrl, from, linkSecret, followUpAfter } = env.email;
  if (!smtpUrl) logger.info("SMTP_URL is not set: no emails are sent (the welcome workflow is off)");

  const { serveOrigin, maxBodyBytes, syncBatching, ...inngestClientSettings } = env.inngest;
  return createApp({
    db: deps.db,
    logger,
    inngest: createInngestClient({ ...inngestClientSettings, logger }),
    inngestServeOrigin: serveOrigin,
    inngestMaxBodyBytes: maxBodyBytes,
    syncBatching,
    clerkAuth:
      clerkClient && publishableKey
        ? { clerkClient, publishableKey, secretKey, jwtKey, authorizedParties: env.webOrigins }
        : undefined,
    clerkClient: secretKey ? clerkClient : undefined,
    webhookSigningSecret,
    webOrigins: env.webOrigins,
    webDistDir: env.webDistDir ?? defaultWebDistDir(env.nodeEnv),
    reconcileSchedule: env.reconcileSchedule,
    reconcileIncrementalSchedule: env.reconcileIncrementalSchedule,
    reconcileClerkPace: secretKey ? clerkPaceFor(secretKey, env.reconcilePaceOverrides) : undefined,
    reconcileTombstoneLimit: env.reconcileTombstoneLimit,
    emailLinkSecret: linkSecret,
    email: smtpUrl ? { mailer: createMailer({ smtpUrl, from }), followUpAfter } : undefined,
    exposeErrorDetails: env.nodeEnv === "development",
    operatorUserIds: env.operatorUserIds,
    metricsToken: env.metricsToken,
  });
}

/** In production the server also serves the web app's build, when there is one beside it. */
function defaultWebDistDir(nodeEnv: string): string | undefined {
  if (nodeEnv !== "production") return undefined;
  const dir = fileURLToPath(new URL("../../web/dist", import.meta.url));
  return existsSync(dir) ? dir : undefined;
}
