import { isClerkAPIResponseError } from "@clerk/backend/errors";

/** Clerk answered 404: the object (or the organization whose memberships were asked for) is gone. */
export function isClerkNotFound(error: unknown): boolean {
  return isClerkAPIResponseError(error) && error.status === 404;
}

/**
 * Clerk's answer to every organization endpoint while the instance has the organizations feature off, as
 * a new instance does: `403` with this code (any other 403 is a real failure: a revoked key, say).
 */
export const ORGANIZATIONS_NOT_ENABLED_CODE = "organization_not_enabled_in_instance";

/** Clerk said the instance has organizations turned off: a normal set-up, not a failure. */
export function isClerkOrganizationsNotEnabled(error: unknown): boolean {
  return (
    isClerkAPIResponseError(error) &&
    error.status === 403 &&
    error.errors.some((apiError) => apiError.code === ORGANIZATIONS_NOT_ENABLED_CODE)
  );
}

/**
 * A failed Backend API call in one line a person can act on. The SDK's own `message` is the HTTP status
 * text, which is empty when Clerk could not be reached (and on HTTP/2 answers): what Clerk said is in
 * `errors[]`, `long_message` being the sentence that names the fix ("The provided Clerk Secret Key is
 * invalid...").
 */
export function describeClerkError(error: unknown): string {
  if (!isClerkAPIResponseError(error)) return error instanceof Error ? error.message : String(error);
  const said =
    error.errors
      .map((apiError) => apiError.longMessage || apiError.message)
      .filter(Boolean)
      .join("; ") || error.message;
  // No status: the request never got an answer (the SDK reports fetch's failure as an `unexpected_error`).
  const what = error.status
    ? `Clerk's Backend API answered ${error.status}`
    : "Clerk's Backend API could not be reached";
  return said ? `${what}: ${said}` : what;
}
