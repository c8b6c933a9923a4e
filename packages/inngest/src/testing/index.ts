export { type ClerkApiStub, startClerkApiStub, useClerkApiStub } from "./clerk-api-stub.ts";
export { clerkMembershipJson, clerkOrganizationJson, clerkUserJson } from "./clerk-fixtures.ts";
export { type ClerkEvent, runFunction, silentLogger } from "./run-function.ts";
