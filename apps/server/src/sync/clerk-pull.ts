import { createClerkClient } from "@clerk/backend";
import type { Db } from "@repo/db/client";
import { failInterruptedRuns, findRunningReconciliation } from "@repo/db/reconciliation-runs";
import {
  clerkPaceFor,
  createClerkPacer,
  type ReconcileDeps,
  runIncrementalReconciliation,
  runReconciliation,
} from "@repo/inngest/reconcile";
import type { Logger } from "pino";
import type { ServerEnv } from "../server-env.ts";

/**
 * Local sync with no tunnel and no Inngest Dev Server. Clerk cannot deliver webhooks to localhost, so in
 * development (with Inngest dev mode off) the server pulls from Clerk itself, with the same driver
 * `pnpm clerk:backfill` runs: the incremental reconciliation every `incrementalMs` (an edit in Clerk's
 * dashboard shows within seconds) and the full one every `fullMs` (a deletion within minutes). One run
 * at a time, in this process: a pull never overlaps itself. Production refuses RECONCILE_PULL=on.
 */
export type ClerkPull = { stop(): Promise<void> };

export type ClerkPullSchedule = { incrementalMs: number; fullMs: number };

/** Starts the pull when the settings turn it on and a Clerk secret key is there to pull with. */
export function startClerkPullFromSettings(env: ServerEnv, deps: { db: Db; logger: Logger }): ClerkPull | undefined {
  const { secretKey, apiUrl } = env.clerk;
  if (!env.clerkPull.isOn || !secretKey) return undefined;
  const clerk = createClerkClient({ secretKey, apiUrl, telemetry: { disabled: env.clerk.telemetryDisabled ?? false } });
  const pace = createClerkPacer(clerkPaceFor(secretKey, env.reconcilePaceOverrides));
  deps.logger.info(
    { incrementalMs: env.clerkPull.incrementalMs, fullMs: env.clerkPull.fullMs },
    "pulling users, organizations and memberships from Clerk (development: no webhooks reach localhost); RECONCILE_PULL=off turns it off",
  );
  return startClerkPull({ db: deps.db, clerk, pace }, env.clerkPull, deps.logger);
}

/** The pull's runs are recorded with this trigger; only this process starts runs with it. */
const PULL_TRIGGER = "pull";

/**
 * The full run first (it brings everything, and tombstones), then increments, and a full run when due.
 * While pulls keep failing (Clerk down, a wrong key), the wait doubles up to `fullMs`, and the same
 * failure is logged once, then counted, not every few seconds all day.
 */
export function startClerkPull(deps: ReconcileDeps, schedule: ClerkPullSchedule, logger: Logger): ClerkPull {
  const stopping = new AbortController();
  const { signal } = stopping;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let nextFullAt = 0;
  let failuresInARow = 0;
  let repeatedFailure: { message: string; times: number } | undefined;
  let loggedBlockingRunId: number | undefined;

  const reportRepeats = () => {
    if (repeatedFailure && repeatedFailure.times > 1)
      logger.warn(
        { times: repeatedFailure.times - 1, error: repeatedFailure.message },
        "pulling from Clerk failed the same way again (logged once above)",
      );
    repeatedFailure = undefined;
  };

  const logFailure = (error: unknown, retryInMs: number) => {
    const message = error instanceof Error ? error.message : String(error);
    if (repeatedFailure?.message === message) {
      repeatedFailure.times++;
      return;
    }
    reportRepeats();
    repeatedFailure = { message, times: 1 };
    logger.warn({ err: error, retryInMs }, "pulling from Clerk failed; trying again later, less often while it fails");
  };

  /** An incremental run skips while a full run is going: say so once per full run, so a stuck row shows. */
  const logSkippedIncremental = async () => {
    const fullRun = await findRunningReconciliation(deps.db, "full");
    if (!fullRun || fullRun.id === loggedBlockingRunId) return;
    loggedBlockingRunId = fullRun.id;
    logger.info(
      { runId: fullRun.id, trigger: fullRun.trigger, startedAt: fullRun.started_at },
      "pulling Clerk's changes waits: a full reconciliation is running",
    );
  };

  const pullOnce = async () => {
    const isFullDue = Date.now() >= nextFullAt;
    if (isFullDue) {
      nextFullAt = Date.now() + schedule.fullMs;
      const report = await runReconciliation(deps, { trigger: PULL_TRIGGER, signal });
      if (report.status === "stopped") logger.warn(report.tombstoneCheck.stopReason);
      else
        logger.debug({ users: report.counts, organizationsEnabled: report.organizationsEnabled }, "pulled from Clerk");
    } else {
      const report = await runIncrementalReconciliation(deps, { trigger: PULL_TRIGGER, signal });
      if (!report) await logSkippedIncremental();
      else if (report.error !== undefined) logger.warn(report.error);
      else if (report.counts.listed > 0) logger.debug({ users: report.counts }, "pulled Clerk's changes");
    }
  };

  /** How long to wait before the next pull: the interval, doubled per failure in a row, at most `fullMs`. */
  const nextDelay = () =>
    Math.min(schedule.incrementalMs * 2 ** failuresInARow, Math.max(schedule.fullMs, schedule.incrementalMs));

  const tick = () => {
    running = pullOnce()
      .then(
        () => {
          failuresInARow = 0;
          reportRepeats();
        },
        (error: unknown) => {
          if (signal.aborted) return;
          // A failing pull must not stop the server; the next one tries again, later each time.
          failuresInARow++;
          logFailure(error, nextDelay());
        },
      )
      .finally(() => {
        if (!signal.aborted) timer = setTimeout(tick, nextDelay());
      });
  };

  // A run this pull left `running` when its process was killed (tsx watch does after 5 s) would refuse
  // the full run and skip every incremental one until taken for abandoned, hours later.
  running = failInterruptedRuns(deps.db, PULL_TRIGGER, "interrupted: the server stopped during this pull").then(
    (count) => {
      if (count > 0) logger.info({ runs: count }, "marked the pull's runs left running by an earlier server as failed");
    },
    (error: unknown) => logger.warn({ err: error }, "could not end the pull's interrupted runs"),
  );
  running = running.then(() => {
    if (!signal.aborted) tick();
  });
  return {
    async stop() {
      clearTimeout(timer);
      stopping.abort(new Error("stopped: the server is shutting down"));
      // Settles promptly: the run stops at its next request or wait, and records its end.
      await running;
    },
  };
}
