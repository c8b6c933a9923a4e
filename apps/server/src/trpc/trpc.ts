import { initTRPC, TRPCError } from "@trpc/server";
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server/rpc";
import superjson from "superjson";
import { z } from "zod";
import type { AuthState } from "../auth/auth-state.ts";
import { AppError, type AppErrorCode } from "../errors/app-error.ts";
import type { Context } from "./context.ts";
import { TRPC_MAX_BATCH_SIZE } from "./limits.ts";

/** The tRPC code (and so the HTTP status) of each AppError; a new code does not compile until it is here. */
const TRPC_CODE_OF: Record<AppErrorCode, TRPC_ERROR_CODE_KEY> = {
  user_deleted: "FORBIDDEN",
  user_not_in_clerk: "NOT_FOUND",
  clerk_unavailable: "BAD_GATEWAY",
  organization_required: "FORBIDDEN",
  organization_permission_required: "FORBIDDEN",
  organization_deleted: "FORBIDDEN",
  organization_not_in_clerk: "NOT_FOUND",
  organizations_not_enabled: "FORBIDDEN",
  operator_required: "FORBIDDEN",
  inngest_unavailable: "SERVICE_UNAVAILABLE",
};

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  // Left to itself tRPC sends stack traces unless NODE_ENV is "production". Whether callers see details
  // is configuration (AppDeps.exposeErrorDetails, carried in the context) and the formatter decides.
  isDev: false,
  errorFormatter({ shape, error, ctx }) {
    const cause = error.cause;
    const { stack: _stack, ...data } = shape.data;
    // An unexpected failure's message is a database's or an SDK's own words, and a refused body's is a
    // parser's, which tell a prober how we are built: the details go to the log (app.ts onError) and the
    // caller gets a fixed sentence (publicMessage), unless this is development and the details help.
    // Errors we raise on purpose (502 "Clerk did not answer", 403, 404) carry messages written for the
    // caller and keep them.
    const showDetails = ctx?.exposeErrorDetails === true;
    return {
      ...shape,
      message: showDetails ? shape.message : publicMessage(error.code, cause, shape.message),
      data: {
        ...data,
        ...(showDetails ? { stack: error.stack } : {}),
        // Field messages for invalid input, so a form can show each next to its field.
        fieldErrors: cause instanceof z.ZodError ? z.flattenError(cause).fieldErrors : undefined,
        // Which refusal this is (`user_deleted`, `organization_required`, ...), for the web app to act on.
        reason: cause instanceof AppError ? cause.code : undefined,
      },
    };
  },
});

/**
 * What a caller outside development reads. Input that fails validation says so (each field's message is
 * in `fieldErrors`); a body tRPC or superjson could not read gets a fixed sentence rather than the
 * parser's own words (a stack overflow, a BigInt conversion); an unexpected failure says nothing more.
 */
function publicMessage(code: string, cause: unknown, message: string): string {
  if (code === "INTERNAL_SERVER_ERROR") return "Internal server error";
  if (code !== "BAD_REQUEST") return message;
  if (cause instanceof z.ZodError) return "Invalid input";
  return `The request could not be read: send tRPC's JSON, at most ${TRPC_MAX_BATCH_SIZE} calls a batch`;
}

/**
 * Every procedure runs inside this (or inside protectedProcedure, which does the same): an AppError
 * thrown by a feature (or by the checks below) becomes the TRPCError its code names, keeping its message
 * and itself as the cause (which the formatter reads). Anything else stays as tRPC made it: an unexpected
 * failure, 500.
 */
const baseProcedure = t.procedure.use(async ({ next }) => {
  const result = await next();
  if (!result.ok) throwAsTRPCErrorIfAppError(result.error.cause);
  return result;
});

function throwAsTRPCErrorIfAppError(cause: unknown): void {
  if (cause instanceof AppError) throw new TRPCError({ code: TRPC_CODE_OF[cause.code], message: cause.message, cause });
}

export const router = t.router;
export const publicProcedure = baseProcedure;

/** A verified session's auth state: who is calling is known. */
type SignedInAuthState = AuthState & { readonly userId: string; readonly sessionId: string };

function isSignedIn(auth: AuthState): auth is SignedInAuthState {
  return !!auth.userId && !!auth.sessionId;
}

/**
 * Our `requireAuth()`: a request without a valid Clerk session gets UNAUTHORIZED (HTTP 401), never a
 * redirect. Past it, `ctx.auth.userId` and `ctx.auth.sessionId` are strings, so handlers never check again.
 *
 * It does baseProcedure's AppError mapping itself rather than being built on it: every tRPC middleware
 * copies the call's options and context once more on each call, and this is the path of nearly every
 * request. The auth state passed on is the verified, frozen one itself, narrowed, not a copy of it.
 */
export const protectedProcedure = t.procedure.use(async ({ ctx, next }) => {
  const { auth } = ctx;
  if (!isSignedIn(auth)) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to continue" });
  const result = await next({ ctx: { auth } });
  if (!result.ok) throwAsTRPCErrorIfAppError(result.error.cause);
  return result;
});

/**
 * For procedures that work on the session's active organization: FORBIDDEN (403, reason
 * `organization_required`) when there is none. Past it, `ctx.auth.orgId` and `ctx.auth.orgRole` are
 * strings. The organization is always the session's, never one named in the input: a caller reaches only
 * the organization Clerk says they are active in, and switching is Clerk's `setActive()`, which mints a
 * token for the new one. (Clerk puts a role in every organization claim; a claim without one is treated as
 * no organization, as Clerk's own React hooks do.)
 */
export const orgProcedure = protectedProcedure.use(({ ctx, next }) => {
  const { orgId, orgRole } = ctx.auth;
  if (!orgId || !orgRole) {
    throw new AppError(
      "organization_required",
      "Choose an organization first: this needs an active organization, and your session has none",
    );
  }
  return next({ ctx: { ...ctx, auth: { ...ctx.auth, orgId, orgRole } } });
});

/** The checks Clerk's `has()` takes: a role, a permission, or both (both must hold). */
export type OrgAuthorization = Parameters<AuthState["has"]>[0];

/**
 * An orgProcedure that also needs a role or permission in the active organization, checked by Clerk's own
 * `has()` on the verified claims (roles and permissions as Clerk names them: `org:admin`,
 * `org:invoices:manage`); FORBIDDEN (403, reason `organization_permission_required`) otherwise.
 */
export function orgProcedureRequiring(required: OrgAuthorization) {
  return orgProcedure.use(({ ctx, next }) => {
    if (!ctx.auth.has(required)) {
      throw new AppError(
        "organization_permission_required",
        `Your role in this organization does not allow this (it needs ${describeRequirement(required)})`,
      );
    }
    return next();
  });
}

/** For what only an organization's admins may do: Clerk's default admin role, `org:admin`. */
export const orgAdminProcedure = orgProcedureRequiring({ role: "org:admin" });

function describeRequirement(required: OrgAuthorization): string {
  const needs = [
    "role" in required && required.role ? `the role ${required.role}` : undefined,
    "permission" in required && required.permission ? `the permission ${required.permission}` : undefined,
  ].filter(Boolean);
  return needs.length > 0 ? needs.join(" and ") : "more rights";
}

/**
 * For the operators' console (ops.*): the caller's verified session must name a user listed in
 * OPERATOR_USER_IDS, and nobody may be acting as them. An impersonator (Clerk's `act` claim) acts with
 * the user's session but is someone else, so an operator's powers are not theirs to use. The check reads
 * the verified session alone, no Clerk call. FORBIDDEN (403, reason `operator_required`) otherwise, and
 * logged with the user id: a refusal here is someone probing, or an operator missing from the setting.
 */
export const operatorProcedure = protectedProcedure.use(({ ctx, next }) => {
  const { userId, actor } = ctx.auth;
  if (!isOperator(ctx.auth, ctx.operatorUserIds)) {
    ctx.logger.warn(
      { userId, actor: actor?.sub, isListed: ctx.operatorUserIds.has(userId) },
      "refused an operator procedure to a caller who is not an operator",
    );
    throw new AppError(
      "operator_required",
      actor
        ? "The operators' console cannot be used while acting as another user"
        : "This is for the operators of this app (OPERATOR_USER_IDS)",
    );
  }
  return next();
});

/** Whether this session may use the operators' console: a listed user, and nobody acting as them. */
export function isOperator(auth: Pick<AuthState, "userId" | "actor">, operatorUserIds: ReadonlySet<string>): boolean {
  return auth.userId !== null && operatorUserIds.has(auth.userId) && auth.actor === null;
}
