import { createHash, timingSafeEqual } from "node:crypto";
import type { Db } from "@repo/db/client";
import { syncEventsCounter } from "@repo/inngest/sync/metrics";
import express, { type RequestHandler, type Router } from "express";
import { Counter, collectDefaultMetrics, Registry } from "prom-client";
import { registerDatabaseGauges } from "./database-gauges.ts";

/** What the app records as it goes, and the route that shows it. */
export type AppMetrics = {
  /** Counts each answer of the Clerk webhook route by status (a no-op when metrics are off). */
  countWebhookRequests: RequestHandler;
  /** `/metrics`: 404 without a METRICS_TOKEN, 401 without the right bearer, else Prometheus' text format. */
  router: Router;
};

/**
 * The Prometheus metrics, one registry per app: Node's defaults, the Clerk webhook's answers by status,
 * the sync events' outcomes (counted by the functions, @repo/inngest/sync/metrics), and the database's
 * rows and runs, read on each scrape. Off without a token: the route answers 404 and nothing is
 * collected, so a deployment that never asked for metrics exposes none.
 */
export function createAppMetrics(deps: { db: Db; token: string | undefined }): AppMetrics {
  const { token } = deps;
  if (!token) {
    const router = express.Router();
    router.get("/", (_req, res) => {
      res.status(404).json({ error: "Not found" });
    });
    return { countWebhookRequests: (_req, _res, next) => next(), router };
  }
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  registry.registerMetric(syncEventsCounter);
  const webhookRequests = new Counter({
    name: "app_clerk_webhook_requests_total",
    help: "Deliveries to /api/webhooks/clerk by the status they were answered with (Svix retries anything but 2xx)",
    labelNames: ["status"] as const,
    registers: [registry],
  });
  const refreshDatabaseGauges = registerDatabaseGauges(registry, deps.db);
  const isToken = tokenCheck(token);

  const router = express.Router();
  router.get("/", async (req, res) => {
    if (!isToken(bearerOf(req.header("authorization")))) {
      res
        .status(401)
        .set("WWW-Authenticate", 'Bearer realm="metrics"')
        .json({ error: "Send METRICS_TOKEN as a bearer token" });
      return;
    }
    await refreshDatabaseGauges();
    res.set("Content-Type", registry.contentType).send(await registry.metrics());
  });
  return {
    countWebhookRequests: (_req, res, next) => {
      res.on("finish", () => webhookRequests.inc({ status: String(res.statusCode) }));
      next();
    },
    router,
  };
}

function bearerOf(authorization: string | undefined): string | undefined {
  const match = authorization?.match(/^Bearer (.+)$/);
  return match?.[1];
}

/** Compares digests in constant time, so neither the token's length nor its first wrong byte shows in timing. */
function tokenCheck(token: string): (candidate: string | undefined) => boolean {
  const digest = (text: string) => createHash("sha256").update(text).digest();
  const expected = digest(token);
  return (candidate) => candidate !== undefined && timingSafeEqual(digest(candidate), expected);
}
