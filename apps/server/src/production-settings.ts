import { parsePublishableKey } from "@clerk/shared/keys";
import { fromInngestDashboard, INNGEST_SETTING_NAMES } from "@repo/inngest/env";
import { isHttpsOrLocal, SettingsError } from "@repo/settings";
import { fromClerkDashboard, isLocalFrontendApi } from "@repo/settings/clerk";
import type { ServerEnv } from "./server-env.ts";

/**
 * In development the app starts without keys (and shows how to add them); in production it must not
 * start with anything that would let a request, a token or a copied .env.example turn it against its
 * users.
 */
export function assertProductionReady(env: ServerEnv, seen: SeenSettings) {
  const problems = findProductionProblems(env, seen);
  if (problems.length > 0) throw new SettingsError(PRODUCTION_HEADING, problems);
}

const PRODUCTION_HEADING = "Missing or unsafe production settings:";

export type SeenSettings = { inngestDevSet: boolean; serveOriginSet: boolean; environment: NodeJS.ProcessEnv };

/** One line per production rule `env` breaks, each starting with the variable it is about. */
export function findProductionProblems(env: ServerEnv, seen: SeenSettings): string[] {
  const problems: string[] = [];
  if (!env.databaseUrl)
    problems.push("DATABASE_URL is not set: production runs on Postgres (postgres://USER:PASSWORD@HOST:5432/DB)");
  if (!env.clerk.publishableKey) problems.push(`CLERK_PUBLISHABLE_KEY is not set: ${fromClerkDashboard("API keys")}`);
  if (!env.clerk.secretKey) problems.push(`CLERK_SECRET_KEY is not set: ${fromClerkDashboard("API keys")}`);
  if (!env.clerk.jwtKey)
    problems.push(
      `CLERK_JWT_KEY is not set: production verifies session tokens without calling Clerk; ${fromClerkDashboard("API keys > JWT public key > PEM")}`,
    );
  problems.push(...clerkLocalProblems(env, seen.environment));
  if (env.webOrigins.length === 0)
    problems.push(
      "WEB_ORIGIN is not set: the origins the web app is served from, such as https://app.example.com (CORS and Clerk's azp check)",
    );
  for (const origin of env.webOrigins) {
    if (!isHttpsOrLocal(origin))
      problems.push(`WEB_ORIGIN must use https outside localhost: ${origin} would let tokens travel in clear text`);
  }
  if (seen.inngestDevSet)
    problems.push(
      "INNGEST_DEV is set: production never runs Inngest in dev mode, which skips signature checks; unset it (whatever its value)",
    );
  if (env.clerkPull.requested)
    problems.push(
      "RECONCILE_PULL=on: the server's own pull from Clerk is for development; production reconciles through the Inngest functions (and Clerk's webhooks): unset it",
    );
  if (!env.inngest.signingKey)
    problems.push(
      `INNGEST_SIGNING_KEY is not set: it verifies Inngest's calls to /api/inngest; ${fromInngestDashboard("Manage > Signing Key")}`,
    );
  if (env.clerk.webhookSigningSecret && !env.inngest.eventKey)
    problems.push(
      `INNGEST_EVENT_KEY is not set: /api/webhooks/clerk (on because CLERK_WEBHOOK_SIGNING_SECRET is set) sends Clerk's events to Inngest with it; ${fromInngestDashboard("Manage > Event Keys")}`,
    );
  // (Defaulted from WEB_ORIGIN, it is checked above already.)
  if (seen.serveOriginSet && env.inngest.serveOrigin && !isHttpsOrLocal(env.inngest.serveOrigin))
    problems.push(
      `INNGEST_SERVE_ORIGIN must use https outside localhost: Inngest would call ${env.inngest.serveOrigin} in clear text`,
    );
  if (env.inngest.baseUrl && !isHttpsOrLocal(env.inngest.baseUrl))
    problems.push(
      `INNGEST_BASE_URL must use https outside localhost: events and the signing key's hash would travel in clear text`,
    );
  if (env.email.smtpUrl && env.email.fromIsDefault)
    problems.push(
      "EMAIL_FROM is not set: SMTP_URL is, and emails need a sender your provider accepts, such as Acme <hello@acme.example>",
    );
  if (env.email.smtpUrl && env.email.linkSecretIsEphemeral)
    problems.push(
      "EMAIL_LINK_SECRET is not set: SMTP_URL is, and unsubscribe links must stay valid across restarts and replicas; generate one with `openssl rand -base64 32`",
    );
  for (const name of unreadInngestSettings(seen.environment))
    problems.push(
      `${name} is set, but this server does not read it and Inngest's SDK would read it on its own: unset it (INNGEST_BASE_URL sets where Inngest is)`,
    );
  return problems;
}

/**
 * Inngest's SDK reads its own INNGEST_* variables from process.env on every request, whatever the
 * client is given (INNGEST_API_BASE_URL would send the signing key's hash elsewhere, INNGEST_STREAMING
 * changes every status code). Production takes only the ones @repo/inngest/env validates and the server
 * passes on.
 */
function unreadInngestSettings(env: NodeJS.ProcessEnv): string[] {
  return Object.keys(env)
    .filter((name) => name.startsWith("INNGEST_") && !INNGEST_SETTING_NAMES.has(name))
    .filter((name) => env[name]?.trim())
    .sort();
}

/**
 * Local mode (a stand-in for Clerk on the developer's machine) is development only: production refuses
 * anything that would point it at the stand-in, which would let whoever holds its key sign in as anyone.
 */
function clerkLocalProblems(env: ServerEnv, environment: NodeJS.ProcessEnv): string[] {
  const problems: string[] = [];
  const frontendApi = parsePublishableKey(env.clerk.publishableKey)?.frontendApi;
  if (isLocalFrontendApi(frontendApi))
    problems.push(
      `CLERK_PUBLISHABLE_KEY is the local Clerk stand-in's key (its Frontend API is ${frontendApi}): production signs in with Clerk; ${fromClerkDashboard("API keys")}`,
    );
  if (env.clerk.apiUrl && !env.clerk.apiUrl.startsWith("https://"))
    problems.push(
      `CLERK_API_URL must use https: ${new URL(env.clerk.apiUrl).origin} is not Clerk's Backend API (the local stand-in's, perhaps); unset it to use Clerk's`,
    );
  for (const name of ["CLERK_LOCAL_PORT", "CLERK_LOCAL_DATA_DIR"])
    if (environment[name]?.trim())
      problems.push(`${name} is set: local sign-in (the stand-in for Clerk) is for development only; unset it`);
  return problems;
}
