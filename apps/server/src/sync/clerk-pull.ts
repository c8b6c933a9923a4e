import { createClerkClient } from "@clerk/backend";
import type { Db } from "@repo/db/client";
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
  const clerk = createClerkClient({ secretKey, apiUrl });
  const pace = createClerkPacer(clerkPaceFor(secretKey, env.reconcilePaceOverrides));
  deps.logger.info(
    { incrementalMs: env.clerkPull.incrementalMs, fullMs: env.clerkPull.fullMs },
    "pulling users, organizations and memberships from Clerk (development: no webhooks reach localhost); RECONCILE_PULL=off turns it off",
  );
  return startClerkPull({ db: deps.db, clerk, pace }, env.clerkPull, deps.logger);
}

/** The full run first (it brings everything, and tombstones), then increments, and a full run when due. */
export function startClerkPull(deps: ReconcileDeps, schedule: ClerkPullSchedule, logger: Logger): ClerkPull {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let nextFullAt = 0;

  const pullOnce = async () => {
    const isFullDue = Date.now() >= nextFullAt;
    try {
      if (isFullDue) {
        nextFullAt = Date.now() + schedule.fullMs;
        const report = await runReconciliation(deps, { trigger: "pull" });
        if (report.status === "stopped") logger.warn(report.tombstoneCheck.stopReason);
        else
          logger.debug(
            { users: report.counts, organizationsEnabled: report.organizationsEnabled },
            "pulled from Clerk",
          );
      } else {
        const report = await runIncrementalReconciliation(deps, { trigger: "pull" });
        if (report && report.counts.listed > 0) logger.debug({ users: report.counts }, "pulled Clerk's changes");
      }
    } catch (error) {
      // The next tick tries again: a pull failing (Clerk unreachable, a bad key) must not stop the server.
      logger.warn({ err: error }, "pulling from Clerk failed; trying again at the next interval");
    }
  };
  const tick = () => {
    running = pullOnce().finally(() => {
      if (!stopped) timer = setTimeout(tick, schedule.incrementalMs);
    });
  };
  tick();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
