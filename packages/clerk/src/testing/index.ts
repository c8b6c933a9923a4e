export { type ClerkApiStub, startClerkApiStub } from "./clerk-api-stub.ts";
export { clerkMembershipJson, clerkOrganizationJson, clerkUserJson } from "./clerk-fixtures.ts";
