import type { ClerkClient } from "@clerk/backend";
import { clerkMiddleware, getAuth } from "@clerk/express";
import type { Request, RequestHandler, Response } from "express";
import { type AuthState, signedOut } from "../trpc/context.ts";
import { VerifiedSessionCache } from "./verified-session-cache.ts";

export type ClerkAuthConfig = {
  clerkClient: ClerkClient;
  publishableKey: string;
  secretKey: string | undefined;
  /** PEM public key: verify session tokens locally instead of fetching Clerk's JWKS. */
  jwtKey: string | undefined;
  /** Origins allowed in a token's `azp` claim: the web app's, so a token minted for another site fails. */
  authorizedParties: string[];
  /** Remembered verifications; a fresh cache per app when absent. */
  sessionCache?: VerifiedSessionCache;
};

const BEARER = /^Bearer ([\w-]+\.[\w-]+\.[\w-]+)$/;

/**
 * Verifies the caller's Clerk session and leaves the result in `res.locals.auth` for the tRPC context.
 *
 * Clerk's own middleware verifies every token the first time it is seen. Its answer for a bearer token
 * is then remembered until the token's `exp` (see VerifiedSessionCache for why that is as safe), which
 * takes the per-request cost of authentication from ~0.5 ms of CPU to a map lookup. Requests without
 * a bearer token (Clerk's session cookie) always go through Clerk's middleware.
 *
 * Without Clerk keys (a fresh clone in development) there is nothing to verify against, so every
 * request is signed out and protected procedures answer 401.
 */
export function clerkAuthMiddleware(config: ClerkAuthConfig | undefined): RequestHandler {
  if (!config) {
    return (_req, res, next) => {
      res.locals.auth = signedOut;
      next();
    };
  }
  const verifyWithClerk = clerkMiddleware({
    clerkClient: config.clerkClient,
    publishableKey: config.publishableKey,
    secretKey: config.secretKey,
    jwtKey: config.jwtKey,
    authorizedParties: config.authorizedParties,
  });
  const cache = config.sessionCache ?? new VerifiedSessionCache();
  return (req, res, next) => {
    const token = BEARER.exec(req.headers.authorization ?? "")?.[1];
    const remembered = token ? cache.get(token) : undefined;
    if (remembered) {
      res.locals.auth = { userId: remembered.userId, sessionId: remembered.sessionId } satisfies AuthState;
      return next();
    }
    verifyWithClerk(req, res, (error?: unknown) => {
      if (error) return next(error);
      res.locals.auth = rememberVerdict(req, token, cache);
      next();
    });
  };
}

function rememberVerdict(req: Request, token: string | undefined, cache: VerifiedSessionCache): AuthState {
  const auth = getAuth(req);
  if (!auth.userId) return signedOut;
  const exp = auth.sessionClaims?.exp;
  if (token && typeof exp === "number") {
    cache.remember(token, { userId: auth.userId, sessionId: auth.sessionId ?? null, expiresAtMs: exp * 1000 });
  }
  return { userId: auth.userId, sessionId: auth.sessionId ?? null };
}

/** The verified caller, as clerkAuthMiddleware left it. */
export function authStateOf(res: Response): AuthState {
  return (res.locals.auth as AuthState | undefined) ?? signedOut;
}
