// The server's batch limit, from a module that imports nothing, so no server code reaches the bundle.
import { TRPC_MAX_BATCH_SIZE } from "@repo/server/limits";
import type { AppRouter, RouterOutputs } from "@repo/server/router";
import { createTRPCReact, httpBatchLink, isTRPCClientError } from "@trpc/react-query";
import superjson from "superjson";

/** Typed hooks for the server's router. Only the router's type crosses over, never its code. */
export const trpc = createTRPCReact<AppRouter>();

/** What `user.me` answers: the caller's profile, and who is acting as them (impersonation) if anyone. */
export type CurrentUser = RouterOutputs["user"]["me"];
export type Profile = RouterOutputs["user"]["updateProfile"];
/** Who acts as the signed-in user through Clerk's impersonation. */
export type Actor = NonNullable<CurrentUser["actor"]>;
/** The session's active organization, from our database (`org.current`). */
export type Organization = RouterOutputs["org"]["current"];
/** A live member of the active organization (`org.members`). */
export type Member = RouterOutputs["org"]["members"][number];

/** The operators' console: the sync's health, tables, Clerk's count and the last runs. */
export type OpsStatus = RouterOutputs["ops"]["status"];
export type OpsRun = OpsStatus["runs"][number];

/**
 * How every call reaches the server: calls made together share one request, at most as many as the
 * server accepts in one batch (it refuses a bigger batch whole). Every request carries a fresh Clerk
 * session token; Clerk refreshes it before it expires.
 */
export function createApiLink(getToken: () => Promise<string | null>, url = "/api/trpc") {
  return httpBatchLink<AppRouter>({
    url,
    transformer: superjson,
    maxItems: TRPC_MAX_BATCH_SIZE,
    async headers() {
      const token = await getToken();
      return token ? { Authorization: `Bearer ${token}` } : {};
    },
  });
}

export function createTrpcClient(getToken: () => Promise<string | null>) {
  return trpc.createClient({ links: [createApiLink(getToken)] });
}

export type ApiProblem =
  | { kind: "unauthorized" }
  | { kind: "user-deleted" }
  | { kind: "unreachable" }
  | { kind: "invalid-input"; fieldErrors: Record<string, string[] | undefined> }
  | { kind: "other"; message: string };

/** React Query's retry rule for our calls: a refusal (401, 403, 404) will not fix itself, a network blip might. */
export function retryWhenUnreachable(failures: number, error: unknown): boolean {
  return describeApiProblem(error).kind === "unreachable" && failures < 2;
}

/** What went wrong with a call, in the terms the page shows. */
export function describeApiProblem(error: unknown): ApiProblem {
  if (!isTRPCClientError<AppRouter>(error)) return { kind: "other", message: String(error) };
  const data = error.data;
  // No tRPC payload at all: the request never got an answer from our server.
  if (!data) return { kind: "unreachable" };
  if (data.code === "UNAUTHORIZED") return { kind: "unauthorized" };
  if (data.reason === "user_deleted") return { kind: "user-deleted" };
  if (data.code === "BAD_REQUEST" && data.fieldErrors) return { kind: "invalid-input", fieldErrors: data.fieldErrors };
  if (data.httpStatus === 502 || data.httpStatus === 503 || data.httpStatus === 504) return { kind: "unreachable" };
  return { kind: "other", message: error.message };
}
