import type { RequestListener } from "node:http";
import { afterAll, beforeAll } from "vitest";
import {
  type ListeningServer,
  listenOnLoopback,
  startTestServer,
  type TestServer,
  type TestServerOptions,
} from "./test-server.ts";

/** A suite's server, reachable from the suite's beforeAll hooks to its afterAll hooks. */
export type SuiteServer = Pick<TestServer, "url" | "inngest">;

/**
 * The real app over real HTTP for the enclosing describe block: started once, before its first test, and
 * closed after its last. `options` is called when the server starts, so it may name what the suite's
 * earlier hooks opened (`useTestDatabase`'s database, a stub's url), which does not exist while the suite
 * is collected.
 */
export function useTestServer(options: () => TestServerOptions | Promise<TestServerOptions>): SuiteServer {
  const current = useStartedForSuite("The test server", async () => startTestServer(await options()));
  return {
    get url() {
      return current().url;
    },
    get inngest() {
      return current().inngest;
    },
  };
}

/**
 * An app other than the test server's over real HTTP for the enclosing describe block (a router built for
 * a test, the app as production settings build it), started and closed as useTestServer's.
 */
export function useListeningApp(build: () => RequestListener | Promise<RequestListener>): Pick<ListeningServer, "url"> {
  const current = useStartedForSuite("The app", async () => listenOnLoopback(await build()));
  return {
    get url() {
      return current().url;
    },
  };
}

/** Starts a server in the suite's beforeAll, closes it in its afterAll; the getter reads it in between. */
function useStartedForSuite<T extends { close(): Promise<void> }>(name: string, start: () => Promise<T>): () => T {
  let started: T | undefined;
  beforeAll(async () => {
    started = await start();
  });
  afterAll(async () => {
    // Undefined when starting failed: that error is the one to report.
    await started?.close();
    started = undefined;
  });
  return () => {
    if (!started)
      throw new Error(
        `${name} runs from the suite's beforeAll hooks to its afterAll hooks: read it inside a hook or a test`,
      );
    return started;
  };
}
