import { defineConfig, mergeConfig } from "vitest/config";
import { sharedTestConfig } from "../../vitest.shared.ts";

export default mergeConfig(
  sharedTestConfig,
  defineConfig({
    test: {
      // The server's test files share no module state that one could leave behind for the next (each
      // builds its app from createApp(deps) with its own database and stubs), and re-importing Express,
      // tRPC, Clerk's and Inngest's SDKs for every file costs more CPU than the tests themselves.
      isolate: false,
    },
  }),
);
