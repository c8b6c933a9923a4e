import type { ClerkClient } from "@clerk/backend";
import { clerkMiddleware, getAuth } from "@clerk/express";
import type { Request, RequestHandler } from "express";
import { type AuthState, signedOut } from "../trpc/context.ts";

export type ClerkAuthConfig = {
  clerkClient: ClerkClient;
  publishableKey: string;
  secretKey: string | undefined;
  /** PEM public key: verify session tokens locally instead of fetching Clerk's JWKS. */
  jwtKey: string | undefined;
  /** Origins allowed in a token's `azp` claim: the web app's, so a token minted for another site fails. */
  authorizedParties: string[];
};

/**
 * Clerk's own middleware verifies the session token (Authorization: Bearer, or Clerk's session cookie).
 * Without Clerk keys (a fresh clone in development) there is nothing to verify against, so every
 * request is signed out and protected procedures answer 401.
 */
export function clerkAuthMiddleware(config: ClerkAuthConfig | undefined): RequestHandler {
  if (!config) return (_req, _res, next) => next();
  return clerkMiddleware({
    clerkClient: config.clerkClient,
    publishableKey: config.publishableKey,
    secretKey: config.secretKey,
    jwtKey: config.jwtKey,
    authorizedParties: config.authorizedParties,
  });
}

/** What clerkMiddleware verified about this request, reduced to what procedures may rely on. */
export function authStateOf(req: Request, config: ClerkAuthConfig | undefined): AuthState {
  if (!config) return signedOut;
  const auth = getAuth(req);
  return { userId: auth.userId ?? null, sessionId: auth.sessionId ?? null };
}
