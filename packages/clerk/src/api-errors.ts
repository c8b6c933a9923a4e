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
