// What other packages use of the user sync: the upsert, which the server's webhook tests run.
export { createUpsertClerkUserFunction } from "./user-functions.ts";
