export { type ClerkApiStub, type ClerkApiStubOptions, startClerkApiStub, useClerkApiStub } from "./clerk-api-stub.ts";
export { clerkMembershipJson, clerkOrganizationJson, clerkUserJson } from "./clerk-fixtures.ts";
