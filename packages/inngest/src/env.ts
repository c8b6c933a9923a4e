import { type DbEnv, dbEnvFrom, dbEnvSchema } from "@repo/db/env";
import { numberSetting, optionalSetting, originSetting, parseSettings } from "@repo/settings";
import { clerkApiUrlSetting, requiredClerkSecretKeySetting } from "@repo/settings/clerk";
import { z } from "zod";
import { DEFAULT_INNGEST_MAX_BODY_BYTES, MAX_INNGEST_MAX_BODY_BYTES } from "./serve/body-limit.ts";
import { DEFAULT_SYNC_BATCHING, type SyncBatching } from "./sync/batched-sync.ts";
import { DEFAULT_TOMBSTONE_LIMIT, type TombstoneLimit } from "./sync/reconcile/tombstone-limit.ts";

export const fromInngestDashboard = (where: string) => `copy it from the Inngest dashboard (${where})`;

const A_FRACTION = "must be a fraction from 0 to 1, such as 0.1 (10% of the live users)";
const A_COUNT = "must be a whole number (of users, or of organizations)";
const BODY_BYTES = `must be a whole number of bytes from 1024 to ${MAX_INNGEST_MAX_BODY_BYTES}, such as ${DEFAULT_INNGEST_MAX_BODY_BYTES} (4 MiB)`;

const A_BATCH_SIZE =
  "must be a whole number of events from 1 to 1000, at most your Inngest plan's batch capacity (Free 5, Pro 100, Business 500)";
const A_BATCH_TIMEOUT =
  "must be a whole number of seconds from 1 to 300, at most your Inngest plan's batch timeout (Free 30, Pro 300)";

const A_REQUEST_COUNT = "must be a whole number of requests, at least 1";
const A_WINDOW = "must be a whole number of milliseconds, at least 1";

/** Overrides of the reconciliation's pace (clerkPaceFor): both programs that reconcile read them. */
const clerkPaceSettingsSchema = {
  RECONCILE_CLERK_REQUEST_LIMIT: numberSetting(
    z.number({ message: A_REQUEST_COUNT }).int(A_REQUEST_COUNT).min(1, A_REQUEST_COUNT),
  ),
  RECONCILE_CLERK_REQUEST_WINDOW_MS: numberSetting(z.number({ message: A_WINDOW }).int(A_WINDOW).min(1, A_WINDOW)),
};

/** The pace the settings ask for; what they leave unset follows the key's kind (clerkPaceFor). */
export type ClerkPaceOverrides = { requests: number | undefined; windowMs: number | undefined };

function clerkPaceOverridesFrom(parsed: {
  RECONCILE_CLERK_REQUEST_LIMIT?: number | undefined;
  RECONCILE_CLERK_REQUEST_WINDOW_MS?: number | undefined;
}): ClerkPaceOverrides {
  return { requests: parsed.RECONCILE_CLERK_REQUEST_LIMIT, windowMs: parsed.RECONCILE_CLERK_REQUEST_WINDOW_MS };
}

const AN_INTERVAL = "must be a whole number of milliseconds, at least 1000";
const pullIntervalSetting = () =>
  numberSetting(z.number({ message: AN_INTERVAL }).int(AN_INTERVAL).min(1000, AN_INTERVAL));

/** The development server's own pull from Clerk (apps/server/src/sync/clerk-pull.ts). */
export const DEFAULT_PULL_INCREMENTAL_MS = 10_000;
export const DEFAULT_PULL_FULL_MS = 300_000;

const reconcileSettingsSchema = {
  ...clerkPaceSettingsSchema,
  RECONCILE_PULL: optionalSetting.pipe(z.enum(["on", "off"], { message: "must be on or off" }).optional()),
  RECONCILE_PULL_INCREMENTAL_MS: pullIntervalSetting(),
  RECONCILE_PULL_FULL_MS: pullIntervalSetting(),
  RECONCILE_MAX_TOMBSTONE_SHARE: numberSetting(z.number({ message: A_FRACTION }).min(0, A_FRACTION).max(1, A_FRACTION)),
  RECONCILE_MAX_TOMBSTONE_MIN_COUNT: numberSetting(z.number({ message: A_COUNT }).int(A_COUNT).nonnegative(A_COUNT)),
  RECONCILE_INCREMENTAL_CRON: optionalSetting.pipe(
    z
      .string()
      .regex(/^(off|(TZ=\S+\s+)?(\S+\s+){4}\S+)$/, "must be a five-field cron expression such as */5 * * * *, or off")
      .optional(),
  ),
  RECONCILE_CRON: optionalSetting.pipe(
    z
      .string()
      .regex(
        /^(TZ=\S+\s+)?(\S+\s+){4}\S+$/,
        "must be a five-field cron expression, optionally after TZ=Zone/Name, such as 0 3 * * * (daily at 03:00 UTC)",
      )
      .optional(),
  ),
};

/**
 * The names these settings had while the reconciliation covered users alone. Still read, so an existing
 * deployment keeps its schedule and limits, with one deprecation line at start-up; the new name wins.
 */
export const RENAMED_RECONCILE_SETTINGS = {
  USERS_RECONCILE_CRON: "RECONCILE_CRON",
  USERS_RECONCILE_MAX_TOMBSTONE_SHARE: "RECONCILE_MAX_TOMBSTONE_SHARE",
  USERS_RECONCILE_MAX_TOMBSTONE_MIN_USERS: "RECONCILE_MAX_TOMBSTONE_MIN_COUNT",
} as const satisfies Record<string, keyof typeof reconcileSettingsSchema>;

type RenamedSettings = {
  [Old in keyof typeof RENAMED_RECONCILE_SETTINGS]: (typeof reconcileSettingsSchema)[(typeof RENAMED_RECONCILE_SETTINGS)[Old]];
};

function signingKeySetting() {
  return optionalSetting.pipe(
    z
      .string()
      .regex(/^signkey-/, `must start with signkey-: ${fromInngestDashboard("Manage > Signing Key")}`)
      .optional(),
  );
}

/**
 * Inngest's settings and the reconciliation's, as the server reads them. Inngest's SDK would read its own
 * INNGEST_* variables from process.env; the server reads these here instead and hands them to the SDK,
 * and production refuses any other INNGEST_* variable (INNGEST_SETTING_NAMES).
 */
export const inngestEnvSchema = z.object({
  ...(renamedSettingsSchema() as RenamedSettings),
  INNGEST_DEV: optionalSetting,
  INNGEST_SIGNING_KEY: signingKeySetting(),
  INNGEST_SIGNING_KEY_FALLBACK: signingKeySetting(),
  INNGEST_EVENT_KEY: optionalSetting,
  INNGEST_BASE_URL: optionalSetting.pipe(z.url().optional()),
  INNGEST_SERVE_ORIGIN: optionalSetting.pipe(originSetting("INNGEST_SERVE_ORIGIN").optional()),
  INNGEST_MAX_BODY_BYTES: numberSetting(
    z.number({ message: BODY_BYTES }).int(BODY_BYTES).min(1024, BODY_BYTES).max(MAX_INNGEST_MAX_BODY_BYTES, BODY_BYTES),
  ),
  INNGEST_SYNC_BATCH_SIZE: numberSetting(
    z.number({ message: A_BATCH_SIZE }).int(A_BATCH_SIZE).min(1, A_BATCH_SIZE).max(1000, A_BATCH_SIZE),
  ),
  INNGEST_SYNC_BATCH_TIMEOUT_SECONDS: numberSetting(
    z.number({ message: A_BATCH_TIMEOUT }).int(A_BATCH_TIMEOUT).min(1, A_BATCH_TIMEOUT).max(300, A_BATCH_TIMEOUT),
  ),
  ...reconcileSettingsSchema,
});

/** Each old name validated as its new name is. */
function renamedSettingsSchema() {
  return Object.fromEntries(
    Object.entries(RENAMED_RECONCILE_SETTINGS).map(([oldName, newName]) => [oldName, reconcileSettingsSchema[newName]]),
  );
}

/** The INNGEST_* variables read here; Inngest's SDK reads any other one on its own. */
export const INNGEST_SETTING_NAMES: ReadonlySet<string> = new Set(
  Object.keys(inngestEnvSchema.shape).filter((name) => name.startsWith("INNGEST_")),
);

export type InngestSettings = {
  /** Inngest Dev Server mode: no signature checks. Development only; refused in production. */
  isDev: boolean;
  /** Where events are sent and the app is registered; Inngest Cloud when unset. */
  baseUrl: string | undefined;
  signingKey: string | undefined;
  /** The previous signing key while a rotation is under way. */
  signingKeyFallback: string | undefined;
  eventKey: string | undefined;
  /**
   * The origin Inngest is told to call (`serve()`'s serveOrigin). Without it the SDK builds the URL it
   * registers from the request's Host header, which anyone can set.
   */
  serveOrigin: string | undefined;
  /** Largest body /api/inngest reads; more gets 413 (DEFAULT_INNGEST_MAX_BODY_BYTES explains the default). */
  maxBodyBytes: number;
  /** How Inngest batches the sync functions' events (DEFAULT_SYNC_BATCHING explains the default). */
  syncBatching: SyncBatching;
};

export type ReconcileSettings = {
  /** Cron schedule of the daily reconciliation; the function's default when unset. */
  schedule: string | undefined;
  /** Cron schedule of the incremental reconciliation; the function's default when unset, null when off. */
  incrementalSchedule: string | null | undefined;
  /** How fast to ask Clerk, where the settings say; the rest follows the secret key's kind. */
  paceOverrides: ClerkPaceOverrides;
  /**
   * The server pulling from Clerk itself, for development without a tunnel or the Inngest Dev Server:
   * on by default outside production when Inngest dev mode is off. `requested`: RECONCILE_PULL=on was
   * set (production refuses it).
   */
  pull: { isOn: boolean; requested: boolean; incrementalMs: number; fullMs: number };
  /**
   * A reconciliation that would tombstone more than `share` of the live users (or organizations) and more
   * than `minCount` of them stops instead (most likely the wrong Clerk instance's key).
   */
  tombstoneLimit: TombstoneLimit;
};

export type InngestEnv = {
  inngest: InngestSettings;
  reconcile: ReconcileSettings;
  /** Settings given by an old name, in one line for the start-up log (undefined: none). */
  deprecation: string | undefined;
  /** A problem to refuse outside production (production refuses INNGEST_DEV whatever its value). */
  devModeProblem: string | undefined;
};

/**
 * Inngest's and the reconciliation's settings out of a parse that included inngestEnvSchema. Dev mode
 * and the Dev Server's URL are never taken in production.
 */
export function inngestEnvFrom(
  parsed: z.output<typeof inngestEnvSchema>,
  options: { isProduction: boolean },
): InngestEnv {
  const { isProduction } = options;
  const devMode = readInngestDevMode(parsed.INNGEST_DEV);
  return {
    inngest: {
      isDev: !isProduction && devMode.isDev,
      baseUrl: parsed.INNGEST_BASE_URL ?? (isProduction ? undefined : devMode.devServerUrl),
      signingKey: parsed.INNGEST_SIGNING_KEY,
      signingKeyFallback: parsed.INNGEST_SIGNING_KEY_FALLBACK,
      eventKey: parsed.INNGEST_EVENT_KEY,
      serveOrigin: parsed.INNGEST_SERVE_ORIGIN,
      maxBodyBytes: parsed.INNGEST_MAX_BODY_BYTES ?? DEFAULT_INNGEST_MAX_BODY_BYTES,
      syncBatching: {
        maxSize: parsed.INNGEST_SYNC_BATCH_SIZE ?? DEFAULT_SYNC_BATCHING.maxSize,
        timeout: parsed.INNGEST_SYNC_BATCH_TIMEOUT_SECONDS
          ? `${parsed.INNGEST_SYNC_BATCH_TIMEOUT_SECONDS}s`
          : DEFAULT_SYNC_BATCHING.timeout,
      },
    },
    reconcile: {
      schedule: parsed.RECONCILE_CRON ?? parsed.USERS_RECONCILE_CRON,
      incrementalSchedule: parsed.RECONCILE_INCREMENTAL_CRON === "off" ? null : parsed.RECONCILE_INCREMENTAL_CRON,
      paceOverrides: clerkPaceOverridesFrom(parsed),
      pull: {
        isOn: parsed.RECONCILE_PULL === undefined ? !isProduction && !devMode.isDev : parsed.RECONCILE_PULL === "on",
        requested: parsed.RECONCILE_PULL === "on",
        incrementalMs: parsed.RECONCILE_PULL_INCREMENTAL_MS ?? DEFAULT_PULL_INCREMENTAL_MS,
        fullMs: parsed.RECONCILE_PULL_FULL_MS ?? DEFAULT_PULL_FULL_MS,
      },
      tombstoneLimit: {
        share:
          parsed.RECONCILE_MAX_TOMBSTONE_SHARE ??
          parsed.USERS_RECONCILE_MAX_TOMBSTONE_SHARE ??
          DEFAULT_TOMBSTONE_LIMIT.share,
        minCount:
          parsed.RECONCILE_MAX_TOMBSTONE_MIN_COUNT ??
          parsed.USERS_RECONCILE_MAX_TOMBSTONE_MIN_USERS ??
          DEFAULT_TOMBSTONE_LIMIT.minCount,
      },
    },
    deprecation: describeRenamedSettings(parsed),
    devModeProblem: isProduction ? undefined : devMode.problem,
  };
}

/** "USERS_RECONCILE_CRON is now RECONCILE_CRON, ...": the old names given, or undefined when none is. */
function describeRenamedSettings(parsed: Partial<Record<string, unknown>>): string | undefined {
  const renamed = Object.entries(RENAMED_RECONCILE_SETTINGS)
    .filter(([oldName]) => parsed[oldName] !== undefined)
    .map(([oldName, newName]) => `${oldName} is now ${newName}`);
  if (renamed.length === 0) return undefined;
  return `Deprecated setting names (they cover users, organizations and memberships now): ${renamed.join(", ")}. The old names still work; rename them.`;
}

/**
 * INNGEST_DEV as Inngest's SDK reads it: 1/true or a Dev Server URL mean dev mode, 0/false mean cloud.
 * Anything else is refused, because the SDK would quietly treat a word like "no" as dev mode.
 */
function readInngestDevMode(value: string | undefined): {
  isDev: boolean;
  devServerUrl?: string;
  problem?: string;
} {
  if (value === undefined) return { isDev: false };
  const word = value.toLowerCase();
  if (word === "1" || word === "true") return { isDev: true };
  if (word === "0" || word === "false") return { isDev: false };
  if (URL.canParse(value) && /^https?:/.test(value)) return { isDev: true, devServerUrl: value };
  return {
    isDev: false,
    problem: "INNGEST_DEV must be 1, 0, or the Dev Server's URL (such as http://localhost:8288)",
  };
}

const backfillEnvSchema = dbEnvSchema.extend({
  CLERK_SECRET_KEY: requiredClerkSecretKeySetting,
  CLERK_API_URL: clerkApiUrlSetting,
  ...clerkPaceSettingsSchema,
});

export type BackfillEnv = DbEnv & {
  clerkSecretKey: string;
  clerkApiUrl: string | undefined;
  paceOverrides: ClerkPaceOverrides;
};

/** Settings of `pnpm clerk:backfill`, validated where they enter; values are never echoed. */
export function readBackfillEnv(env: NodeJS.ProcessEnv): BackfillEnv {
  const parsed = parseSettings(backfillEnvSchema, env, "Invalid settings:");
  return {
    ...dbEnvFrom(parsed),
    clerkSecretKey: parsed.CLERK_SECRET_KEY,
    clerkApiUrl: parsed.CLERK_API_URL,
    paceOverrides: clerkPaceOverridesFrom(parsed),
  };
}
