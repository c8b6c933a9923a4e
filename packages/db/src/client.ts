import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import {
  Kysely,
  PGliteDialect,
  PostgresDialect,
  type PostgresPool,
  type PostgresPoolClient,
  type PostgresQueryResult,
  sql,
} from "kysely";
import pg from "pg";
import { type DbEnv, DEFAULT_POSTGRES_TIMEOUTS, type PostgresTimeouts } from "./env.ts";
import type { Database } from "./schema.ts";

export type DbConfig =
  /** Production: a Postgres server. */
  | { kind: "postgres"; databaseUrl: string; maxConnections?: number; timeouts?: Partial<PostgresTimeouts> }
  /** Development: embedded PGlite persisted in `dataDir`. */
  | { kind: "pglite"; dataDir: string }
  /**
   * Tests: embedded PGlite that lives only in this process's memory, started from a dumped data directory
   * when one is given (booting a fresh cluster runs initdb, which is what makes a test database slow).
   */
  | { kind: "pglite-memory"; loadDataDir?: Blob };

export type Db = Kysely<Database>;

/**
 * Where the database client reports a lost connection. pino's Logger fits; so does any object with
 * these two methods.
 */
export type DbLogger = {
  warn(details: object, message: string): void;
  info(details: object, message: string): void;
};

const consoleLogger: DbLogger = {
  warn: (details, message) => console.warn(message, details),
  info: (details, message) => console.info(message, details),
};

/** Picks Postgres when a DATABASE_URL is given, embedded PGlite otherwise. */
export function dbConfigFromEnv(env: DbEnv): DbConfig {
  return env.databaseUrl
    ? { kind: "postgres", databaseUrl: env.databaseUrl, timeouts: env.postgresTimeouts }
    : { kind: "pglite", dataDir: env.pgliteDataDir };
}

/**
 * Opens the database and checks that it answers, so a wrong URL fails at start-up with a message that
 * names the server, instead of on the first request.
 */
export async function createDb(config: DbConfig, options: { logger?: DbLogger } = {}): Promise<Db> {
  const db = new Kysely<Database>({ dialect: createDialect(config, options.logger ?? consoleLogger) });
  try {
    await sql`select 1`.execute(db);
  } catch (error) {
    await db.destroy().catch(() => {});
    throw new Error(`Cannot reach the database at ${describeDb(config)}: ${errorMessage(error)}`, {
      cause: error,
    });
  }
  return db;
}

function createDialect(config: DbConfig, logger: DbLogger) {
  switch (config.kind) {
    case "postgres":
      return new PostgresDialect({ pool: createPostgresPool(config, logger) });
    case "pglite":
      mkdirSync(config.dataDir, { recursive: true });
      return new PGliteDialect({ pglite: () => new PGlite(config.dataDir) });
    case "pglite-memory":
      return new PGliteDialect({ pglite: () => new PGlite({ loadDataDir: config.loadDataDir }) });
  }
}

/** Extra time the client waits past the statement timeout, for Postgres's own cancellation to arrive. */
const CANCELLATION_GRACE_MS = 1_000;

/**
 * A pg pool that bounds every wait on Postgres and survives losing it: a restart, a failover or a proxy
 * dropping connections costs the requests that needed them an error, never the process.
 */
function createPostgresPool(config: DbConfig & { kind: "postgres" }, logger: DbLogger): PostgresPool {
  const { connectTimeoutMs, statementTimeoutMs } = { ...DEFAULT_POSTGRES_TIMEOUTS, ...config.timeouts };
  const pool = new pg.Pool({
    connectionString: config.databaseUrl,
    max: config.maxConnections ?? 10,
    // Bounds both opening a connection (a server that accepts TCP and never answers) and waiting for a
    // free one when every pooled connection is busy.
    connectionTimeoutMillis: connectTimeoutMs,
    // Postgres cancels a statement that runs too long and answers with an error (pg sends these as
    // startup parameters; 0 sends nothing, leaving the server's own settings).
    statement_timeout: statementTimeoutMs,
    // No transaction here waits on anything but the database between statements, so one that sits idle
    // this long belongs to a stuck process, and its row locks would block the sync of those users.
    idle_in_transaction_session_timeout: statementTimeoutMs,
    // When Postgres cannot even answer with a cancellation (the host is gone, the network is
    // partitioned), the client stops waiting a little later.
    query_timeout: statementTimeoutMs > 0 ? statementTimeoutMs + CANCELLATION_GRACE_MS : 0,
    // Without a statement timeout (0), the kernel's keepalive probes still find, in minutes rather than
    // never, a server that vanished without closing the connection.
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
  });
  // Connections closing because the pool is shutting down may still hear Postgres end them: not news.
  const incidents = reportConnectionIncidents(logger, describeDb(config), () => pool.ending);
  // An idle pooled connection that dies is reported here; without a listener the pool's 'error' event
  // is an uncaught exception and the process exits.
  pool.on("error", (error, client) => incidents.lost(client, error));
  pool.on("connect", (client) => {
    incidents.connected();
    // A connection that dies while checked out emits 'error' on itself (its query fails as well); pg
    // listens only while the connection is idle in the pool, so listen for its whole life.
    client.on("error", (error) => incidents.lost(client, error));
  });
  return guardAgainstUnansweredQueries(pool, incidents);
}

type ConnectionIncidents = ReturnType<typeof reportConnectionIncidents>;

/**
 * Logs a lost database once per incident, however many pooled connections it took down, and logs again
 * when a new connection succeeds, which ends the incident.
 */
function reportConnectionIncidents(logger: DbLogger, where: string, isShuttingDown: () => boolean) {
  const lostConnections = new Set<object>();
  return {
    lost(connection: object, error: unknown) {
      if (isShuttingDown()) return;
      if (lostConnections.size === 0)
        logger.warn(
          { err: error },
          `lost the connection to ${where}: requests that need the database fail until it answers again; ` +
            "new connections are opened as requests come in",
        );
      lostConnections.add(connection);
    },
    connected() {
      if (lostConnections.size === 0) return;
      logger.info({ droppedConnections: lostConnections.size }, `connected to ${where} again`);
      lostConnections.clear();
    },
  };
}

/**
 * Gives Kysely the pool's connections, minus one pg behaviour: a query that failed without an answer from
 * Postgres (query_timeout, a dropped socket) leaves its connection waiting for a reply that may never come,
 * and pg would put it back in the pool, where every later query queues behind the lost one
 * (brianc/node-postgres#3399). Such a connection refuses further queries with the same error, and is
 * destroyed instead of reused when it is released.
 */
function guardAgainstUnansweredQueries(pool: pg.Pool, incidents: ConnectionIncidents): PostgresPool {
  const guarded = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  const guard = (client: pg.PoolClient): PostgresPoolClient => {
    let unanswered: unknown;
    return {
      query: (<R>(text: string, parameters: ReadonlyArray<unknown>) => {
        if (unanswered) return Promise.reject(unanswered);
        return client.query(text, [...parameters]).catch((error: unknown) => {
          if (!(error instanceof pg.DatabaseError)) {
            unanswered = error;
            incidents.lost(client, error);
          }
          throw error;
        }) as Promise<PostgresQueryResult<R>>;
      }) as PostgresPoolClient["query"],
      release: (destroy) => client.release(Boolean(destroy || unanswered)),
    };
  };
  return {
    options: pool.options,
    connect: async () => {
      const client = await pool.connect();
      let connection = guarded.get(client);
      if (!connection) {
        connection = guard(client);
        guarded.set(client, connection);
      }
      return connection;
    },
    end: () => pool.end(),
  };
}

/** Where the database is, for messages: host, port and database name, never the password. */
export function describeDb(config: DbConfig): string {
  if (config.kind === "pglite") return `embedded PGlite (${config.dataDir})`;
  if (config.kind === "pglite-memory") return "in-memory PGlite";
  // The settings held DATABASE_URL to a URL's shape (env.ts); a config built by hand may not be one.
  if (!URL.canParse(config.databaseUrl)) return "postgres (an unreadable URL)";
  const url = new URL(config.databaseUrl);
  return `postgres ${url.hostname}:${url.port || "5432"}${url.pathname}`;
}

function errorMessage(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return errorMessage(error.errors[0]);
  if (error instanceof Error) return error.message || (error as NodeJS.ErrnoException).code || error.name;
  return String(error);
}
