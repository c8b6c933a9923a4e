// What other packages use of the reconciliation: the in-process run (the benchmark), and how to tell
// Clerk's "organizations are off" from a failure (the server's lookups). Everything else stays inside
// the sync domain.
export { isClerkOrganizationsNotEnabled } from "./clerk-requests.ts";
export { runReconciliation } from "./run-reconciliation.ts";
