export { type ClerkApiStub, startClerkApiStub } from "./clerk-api-stub.ts";
export { type ClerkEvent, runFunction, silentLogger } from "./run-function.ts";
