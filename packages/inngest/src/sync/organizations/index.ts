// What other packages use of the organization sync: the upsert, which the server's webhook tests run.
export { createUpsertClerkOrganizationFunction } from "./organization-functions.ts";
