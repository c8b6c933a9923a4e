import type { PostgresTimeouts } from "@repo/db/env";
import type { EmailSettings } from "@repo/email/env";
import type { ClerkPaceOverrides, InngestSettings, ReconcileSettings } from "@repo/inngest/env";

/** The server's settings as env.ts validated and composed them: what the rest of the server is given. */
export type ServerEnv = {
  nodeEnv: "development" | "production" | "test";
  port: number;
  host: string | undefined;
  logLevel: string;
  databaseUrl: string | undefined;
  pgliteDataDir: string;
  postgresTimeouts: PostgresTimeouts;
  clerk: {
    publishableKey: string | undefined;
    secretKey: string | undefined;
    jwtKey: string | undefined;
    apiUrl: string | undefined;
    /** Set: /api/webhooks/clerk verifies and forwards deliveries. Unset: it refuses them (503). */
    webhookSigningSecret: string | undefined;
    /** Keep Clerk's SDK from reporting telemetry: local mode talks to no Clerk instance to report about. */
    telemetryDisabled?: boolean;
  };
  /** The local stand-in for Clerk, which development starts when no Clerk key is set (@repo/clerk-local). */
  clerkLocal: { port: number; dataDir: string };
  webOrigins: string[];
  inngest: InngestSettings;
  webDistDir: string | undefined;
  reconcileSchedule: string | undefined;
  /** The incremental reconciliation's schedule: its default when undefined, off when null. */
  reconcileIncrementalSchedule: string | null | undefined;
  /** How fast the reconciliation asks Clerk, where the settings say (the key's kind decides the rest). */
  reconcilePaceOverrides: ClerkPaceOverrides;
  /** The development server's own pull from Clerk (sync/clerk-pull.ts): whether it runs, and how often. */
  clerkPull: ReconcileSettings["pull"];
  /**
   * A reconciliation that would tombstone more than `share` of the live users and more than `minCount`
   * users stops instead (most likely the wrong Clerk instance's key). Defaults in @repo/inngest/env.
   */
  reconcileTombstoneLimit: { share: number; minCount: number };
  /** Settings given by a deprecated name, in one line for the start-up log (undefined: none). */
  deprecation: string | undefined;
  /** SMTP and the emails' settings (@repo/email/env); no SMTP URL: no emails are sent. */
  email: EmailSettings;
  /** Clerk user ids of the operators (OPERATOR_USER_IDS): the console (/ops, ops.*) is theirs. Empty: nobody's. */
  operatorUserIds: string[];
  /** Bearer token of /metrics (METRICS_TOKEN); unset: /metrics answers 404. */
  metricsToken: string | undefined;
};
