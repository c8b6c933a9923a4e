// What other packages use of the membership sync: the functions, which the server's webhook tests run.
export {
  createTombstoneClerkMembershipFunction,
  createUpsertClerkMembershipFunction,
} from "./membership-functions.ts";
