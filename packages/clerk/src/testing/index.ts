export { type ClerkApiStub, type ClerkApiStubOptions, startClerkApiStub } from "./clerk-api-stub.ts";
export { clerkMembershipJson, clerkOrganizationJson, clerkUserJson } from "./clerk-fixtures.ts";
export { useClerkApiStub } from "./use-clerk-api-stub.ts";
