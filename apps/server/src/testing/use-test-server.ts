import { afterAll, beforeAll } from "vitest";
import { startTestServer, type TestServer, type TestServerOptions } from "./test-server.ts";

/** A suite's server, reachable from the suite's beforeAll hooks to its afterAll hooks. */
export type SuiteServer = Pick<TestServer, "url" | "inngest">;

/**
 * The real app over real HTTP for the enclosing describe block: started once, before its first test, and
 * closed after its last. `options` is called when the server starts, so it may name what the suite's
 * earlier hooks opened (`useTestDatabase`'s database, a stub's url), which does not exist while the suite
 * is collected.
 */
export function useTestServer(options: () => TestServerOptions): SuiteServer {
  let started: TestServer | undefined;
  const current = (): TestServer => {
    if (!started)
      throw new Error(
        "The test server runs from the suite's beforeAll hooks to its afterAll hooks: read it inside a hook or a test",
      );
    return started;
  };
  beforeAll(async () => {
    started = await startTestServer(options());
  });
  afterAll(async () => {
    // Undefined when starting failed: that error is the one to report.
    await started?.close();
    started = undefined;
  });
  return {
    get url() {
      return current().url;
    },
    get inngest() {
      return current().inngest;
    },
  };
}
