import { afterAll, beforeAll, beforeEach } from "vitest";
import { type ClerkApiStub, type ClerkApiStubOptions, createClerkApiStub } from "./clerk-api-stub.ts";

/**
 * One stub for the enclosing describe block: listening from its beforeAll hooks (read `url` there, not
 * while the suite is collected), reset before each test, closed after its last.
 */
export function useClerkApiStub(options: ClerkApiStubOptions = {}): ClerkApiStub {
  const { stub, listen } = createClerkApiStub(options);
  beforeAll(() => listen());
  afterAll(() => stub.close());
  beforeEach(() => stub.reset());
  return stub;
}
