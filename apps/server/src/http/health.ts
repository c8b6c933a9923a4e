import type { Db } from "@repo/db/client";
import { findPendingMigrations } from "@repo/db/migrate";
import type { RequestHandler } from "express";
import { sql } from "kysely";
import type { Logger } from "pino";

/**
 * How long /healthz waits for the database before it answers 503 anyway: a probe that hangs tells a load
 * balancer nothing, so the answer comes within 2 s whatever the database does.
 */
const HEALTH_CHECK_DEADLINE_MS = 1_500;

export type Health =
  | { status: "ok"; database: "up"; migrations: "applied" }
  | { status: "unavailable"; database: "up"; migrations: "pending"; reason: string }
  | { status: "unavailable"; database: "down"; migrations: "applied" | "unknown"; reason: string };

/** A check's answer, and the error behind it for the log. */
type Outcome = { health: Health; error?: unknown };

/**
 * 200 when the database answers and has every migration this build knows; 503 with the reason otherwise:
 * what a load balancer needs to route around us, and what an operator needs to see why.
 */
export function healthHandler(db: Db, logger: Logger): RequestHandler {
  const checkHealth = createHealthCheck(db, logger, HEALTH_CHECK_DEADLINE_MS);
  return async (_req, res) => {
    const health = await checkHealth();
    res.status(health.status === "ok" ? 200 : 503).json(health);
  };
}

/**
 * /healthz is hit often, by every load balancer and monitor, so the check stays cheap: requests that
 * arrive while a check is running share it (a stalled database holds one pooled connection, not one per
 * probe), and the migrations are looked up only until they are all applied, then remembered (a running
 * deployment never loses a migration).
 */
function createHealthCheck(db: Db, logger: Logger, deadlineMs: number): () => Promise<Health> {
  let migrationsApplied = false;
  let running: Promise<Outcome> | undefined;
  let lastLogged: string | undefined;

  const databaseDown = (reason: string): Health => ({
    status: "unavailable",
    database: "down",
    migrations: migrationsApplied ? "applied" : "unknown",
    reason,
  });

  const queryDatabase = async (): Promise<Outcome> => {
    try {
      if (!migrationsApplied) {
        const pending = await findPendingMigrations(db);
        if (pending.length > 0) {
          const reason = `${pending.length} migration(s) not applied: run pnpm db:migrate`;
          return { health: { status: "unavailable", database: "up", migrations: "pending", reason } };
        }
        migrationsApplied = true;
      } else {
        await sql`select 1`.execute(db);
      }
      return { health: { status: "ok", database: "up", migrations: "applied" } };
    } catch (error) {
      // The details go to the log, not to whoever calls /healthz: they can name hosts and users.
      return { health: databaseDown("the database query failed (see the server log)"), error };
    }
  };

  return async () => {
    running ??= queryDatabase().finally(() => {
      running = undefined;
    });
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<Outcome>((resolve) => {
      const reason = `no answer from the database within ${deadlineMs} ms`;
      timer = setTimeout(() => resolve({ health: databaseDown(reason) }), deadlineMs);
    });
    const { health, error } = await Promise.race([running, deadline]).finally(() => clearTimeout(timer));
    // Once per change, not once per probe: a monitor polling every second must not flood the log.
    const summary = `${health.status} ${health.database} ${health.migrations}`;
    if (summary !== lastLogged) {
      if (health.status !== "ok") logger.warn({ err: error, health }, `health check: unavailable, ${health.reason}`);
      else if (lastLogged !== undefined) logger.info("health check: ok again");
      lastLogged = summary;
    }
    return health;
  };
}
