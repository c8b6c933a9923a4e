/**
 * What can go wrong in this app that a caller should be told about, by name. Features throw an AppError
 * with one of these codes and a message written for the caller; trpc.ts alone turns the code into an HTTP
 * status and sends it on as `data.reason`, so features never import tRPC and the web app can tell two
 * refusals with the same status apart (a deleted account from a missing role, say).
 */
export type AppErrorCode =
  /** The caller's user was deleted in Clerk; only a tombstone is left. */
  | "user_deleted"
  /** Clerk has no user with the session's id. */
  | "user_not_in_clerk"
  /** Clerk's Backend API failed, stalled or is not configured. */
  | "clerk_unavailable"
  /** The procedure works on the active organization, and the session has none. */
  | "organization_required"
  /** The caller's role or permissions in the active organization do not allow this. */
  | "organization_permission_required"
  /** The session's active organization was deleted in Clerk; only a tombstone is left. */
  | "organization_deleted"
  /** Clerk has no organization with the session's active organization id. */
  | "organization_not_in_clerk"
  /**
   * The session names an organization Clerk could not be asked about, because the instance has the
   * organizations feature turned off (a new instance does).
   */
  | "organizations_not_enabled"
  /** The procedure is for the operators (OPERATOR_USER_IDS), and the caller is not one of them. */
  | "operator_required"
  /** Inngest's Event API failed or did not answer, so the event asked for was not sent. */
  | "inngest_unavailable";

export class AppError extends Error {
  override name = "AppError";
  readonly code: AppErrorCode;

  constructor(code: AppErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}
