import type { ServerResponse } from "node:http";
import type { ClerkClient } from "@clerk/backend";
import type { SignedInAuthObject, SignedOutAuthObject } from "@clerk/backend/internal";
import { decodeJwt } from "@clerk/backend/jwt";
import { describeIssues } from "@repo/clerk/parse-result";
import type { RequestHandler, Response } from "express";
import type { Logger } from "pino";
import { type AuthState, authStateFromClerk, signedOut } from "./auth-state.ts";
import { clerkSessionClaimsSchema } from "./session-claims.ts";
import { type VerifiedSession, VerifiedSessionCache } from "./verified-session-cache.ts";

export type ClerkAuthConfig = {
  clerkClient: ClerkClient;
  publishableKey: string;
  secretKey: string | undefined;
  /**
   * PEM public key: verify session tokens locally. With it, verification never calls Clerk; without it
   * (development only) Clerk's SDK fetches the JWKS, and again for every token naming a key id it lacks.
   */
  jwtKey: string | undefined;
  /** Origins allowed in a token's `azp` claim: the web app's, so a token minted for another site fails. */
  authorizedParties: string[];
  /** Remembered verifications; a fresh cache per app when absent. */
  sessionCache?: VerifiedSessionCache;
};

/** `Bearer` and a JWT (three base64url segments, as Clerk's session tokens are), and nothing else. */
const BEARER = /^Bearer ([\w-]+\.[\w-]+\.[\w-]+)$/;

/**
 * Verifies the caller's Clerk session token and leaves the result in `res.locals.auth` for the tRPC context.
 *
 * The API is bearer-only: the caller is who the `Authorization: Bearer <session JWT>` header says, verified
 * by Clerk's own `authenticateRequest` with `acceptsToken: "session_token"`. Anything else is signed out
 * (protected procedures answer 401) without Clerk being asked:
 * - no header, another scheme, or a token that is not a JWT (Clerk's API keys `ak_`, M2M tokens `mt_`,
 *   OAuth tokens `oat_`, which `clerkMiddleware()` would verify with a Backend API call per request);
 * - JWT-shaped machine tokens, which Clerk's `acceptsToken` refuses before verifying;
 * - Clerk's cookies and query parameters: Clerk gets a request that carries the bearer and nothing else,
 *   so no cookie or parameter can make it refresh a session, resolve a handshake (both Backend API calls)
 *   or answer with a redirect. The web app sends the bearer on every call; not reading cookies also means
 *   no other site can make a browser call the API with its user's session (CSRF).
 * With `jwtKey`, what is left (a JWT, checked against that key) needs no network at all. A token Clerk
 * verified is then held to the shapes Clerk mints (session-claims.ts): ids that are Clerk's ids, strings
 * where Clerk puts strings; one that is not is signed out too, before any lookup, and never remembered.
 *
 * A successful verification is then remembered under the token Clerk verified, until its `exp` (see
 * VerifiedSessionCache for why that is as safe), which takes the per-request cost of authentication from
 * ~0.5 ms of CPU to a map lookup.
 *
 * Without Clerk keys (a fresh clone in development) there is nothing to verify against, so every
 * request is signed out and protected procedures answer 401.
 */
export function clerkAuthMiddleware(
  config: ClerkAuthConfig | undefined,
  logger?: Pick<Logger, "warn">,
): RequestHandler {
  if (!config) {
    return (_req, res, next) => {
      res.locals.auth = signedOut;
      next();
    };
  }
  const cache = config.sessionCache ?? new VerifiedSessionCache();
  return async (req, res, next) => {
    const token = BEARER.exec(req.headers.authorization ?? "")?.[1];
    const verified = token ? (cache.get(token) ?? (await verifySessionToken(config, token, cache, logger))) : undefined;
    res.locals.auth = verified?.auth ?? signedOut;
    next();
  };
}

/**
 * Where the request handed to Clerk claims to come from. Clerk reads the URL only for redirects, handshakes
 * and satellite domains, none of which a bearer-only request can reach, so nothing here comes from the caller.
 */
const VERIFICATION_URL = "http://localhost/";

async function verifySessionToken(
  config: ClerkAuthConfig,
  token: string,
  cache: VerifiedSessionCache,
  logger: Pick<Logger, "warn"> | undefined,
): Promise<VerifiedSession | undefined> {
  const state = await config.clerkClient.authenticateRequest(
    new Request(VERIFICATION_URL, { headers: { Authorization: `Bearer ${token}` } }),
    {
      acceptsToken: "session_token",
      publishableKey: config.publishableKey,
      secretKey: config.secretKey,
      jwtKey: config.jwtKey,
      authorizedParties: config.authorizedParties,
    },
  );
  // A verdict on any other token (one Clerk refreshed, say) says nothing about the one the caller sent.
  if (state.status !== "signed-in" || state.token !== token) return undefined;
  // Clerk checked the signature, the times and `azp`, never the claims' types, and `toAuth()` reads them
  // as they are (a non-string `o.per` even throws there): so they are held to Clerk's shapes first.
  const claims = clerkSessionClaimsSchema.safeParse(decodeJwt(token).payload);
  if (!claims.success) {
    const reason = describeIssues(claims.error.issues);
    logger?.warn({ reason }, "refused a verified session token whose claims are not in Clerk's shape");
    return undefined;
  }
  // Clerk's types promise a signed-in object here, but a pending session (sign-up tasks not finished yet)
  // comes back signed out, as Clerk treats it everywhere by default.
  const auth: SignedInAuthObject | SignedOutAuthObject = state.toAuth();
  if (!auth.isAuthenticated) return undefined;
  // The whole auth state is remembered (organization, role, permissions, actor and Clerk's own `has()`),
  // so a request answered from memory sees exactly what this verification established.
  const verified: VerifiedSession = { auth: authStateFromClerk(auth), expiresAtMs: auth.sessionClaims.exp * 1000 };
  cache.remember(token, verified);
  return verified;
}

/**
 * The verified caller, as clerkAuthMiddleware left it; signed out before it ran (the request logger asks
 * when the request starts, where Express's `locals` may not exist yet, and again when it ends).
 */
export function authStateOf(res: Pick<Response, "locals"> | ServerResponse): AuthState {
  const locals = "locals" in res ? (res.locals as { auth?: AuthState } | undefined) : undefined;
  return locals?.auth ?? signedOut;
}
