import { describe, expect, it } from "vitest";
import { createRefusedCallLog, withRefusalsThrottled } from "./refused-calls.ts";

/** A logger that keeps each call as [level, ...args]. */
function recordingLogger() {
  const calls: unknown[][] = [];
  const record =
    (level: string) =>
    (...args: unknown[]) => {
      calls.push([level, ...args]);
    };
  return {
    calls,
    logger: { info: record("info"), warn: record("warn"), error: record("error"), debug: record("debug") },
  };
}

describe("createRefusedCallLog", () => {
  it("writes one line per reason per interval, and the next line counts the ones left out", () => {
    const { calls, logger } = recordingLogger();
    let now = 0;
    const refused = createRefusedCallLog(logger, { intervalMs: 60_000, now: () => now });
    for (let i = 0; i < 5; i++) refused("missing-signature", { method: "POST" });
    refused("stale-signature");
    now = 60_000;
    refused("missing-signature", { method: "GET" });
    expect(calls).toEqual([
      ["warn", { method: "POST", reason: "missing-signature", leftOutSinceLastLine: 0 }, expect.any(String)],
      ["warn", { reason: "stale-signature", leftOutSinceLastLine: 0 }, expect.any(String)],
      ["warn", { method: "GET", reason: "missing-signature", leftOutSinceLastLine: 4 }, expect.any(String)],
    ]);
  });
});

describe("withRefusalsThrottled", () => {
  it("turns the SDK's refusals into throttled warnings without the error, and keeps its other errors", () => {
    const { calls, logger } = recordingLogger();
    const sdkLogger = withRefusalsThrottled(logger, createRefusedCallLog(logger));
    for (let i = 0; i < 3; i++)
      sdkLogger.error({ err: new Error("Invalid signature"), method: "POST" }, "Signature validation failed");
    const missingKey = new Error("No signing key found in client options or INNGEST_SIGNING_KEY env var.");
    sdkLogger.error({ err: missingKey, method: "POST" }, "Signature validation failed");
    sdkLogger.error("Missing body when executing, possibly due to missing request body middleware");
    sdkLogger.info("registered");
    expect(calls).toEqual([
      ["warn", { method: "POST", reason: "invalid-signature", leftOutSinceLastLine: 0 }, expect.any(String)],
      ["error", { err: missingKey, method: "POST" }, "Signature validation failed"],
      ["warn", { reason: "missing-body", leftOutSinceLastLine: 0 }, expect.any(String)],
      ["info", "registered"],
    ]);
  });
});
