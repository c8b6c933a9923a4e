import { describe, expect, it } from "vitest";
import { readDbEnv } from "./env.ts";

describe("readDbEnv", () => {
  it("rejects a malformed DATABASE_URL with a hint and without echoing it", () => {
    expect(() => readDbEnv({ DATABASE_URL: "postgres//user:s3cret@db" })).toThrow(/DATABASE_URL is not a valid URL/);
    expect(() => readDbEnv({ DATABASE_URL: "postgres//user:s3cret@db" })).not.toThrow(/s3cret/);
    expect(() => readDbEnv({ DATABASE_URL: "mysql://user:s3cret@db/app" })).toThrow(
      /DATABASE_URL must start with postgres:\/\//,
    );
  });

  it("bounds every wait on Postgres by default", () => {
    expect(readDbEnv({}).postgresTimeouts).toEqual({ connectTimeoutMs: 5_000, statementTimeoutMs: 10_000 });
    expect(readDbEnv({ DATABASE_CONNECT_TIMEOUT_MS: "", DATABASE_STATEMENT_TIMEOUT_MS: " " }).postgresTimeouts).toEqual(
      { connectTimeoutMs: 5_000, statementTimeoutMs: 10_000 },
    );
  });

  it("takes the timeouts from the environment, 0 meaning no limit", () => {
    const env = readDbEnv({ DATABASE_CONNECT_TIMEOUT_MS: "2000", DATABASE_STATEMENT_TIMEOUT_MS: "0" });
    expect(env.postgresTimeouts).toEqual({ connectTimeoutMs: 2_000, statementTimeoutMs: 0 });
  });

  it.each([
    [
      "a word",
      "DATABASE_CONNECT_TIMEOUT_MS",
      "five",
      /DATABASE_CONNECT_TIMEOUT_MS must be a whole number of milliseconds/,
    ],
    ["a fraction", "DATABASE_STATEMENT_TIMEOUT_MS", "2.5", /DATABASE_STATEMENT_TIMEOUT_MS must be a whole number/],
    [
      "a negative number",
      "DATABASE_STATEMENT_TIMEOUT_MS",
      "-1",
      /DATABASE_STATEMENT_TIMEOUT_MS must be a whole number/,
    ],
    ["more than an hour", "DATABASE_CONNECT_TIMEOUT_MS", "3600001", /DATABASE_CONNECT_TIMEOUT_MS must be at most/],
  ])("rejects %s as a timeout, naming the variable and never echoing DATABASE_URL", (_case, name, value, message) => {
    const env = { DATABASE_URL: "postgres://app:s3cret@db.internal:5432/app", [name]: value };
    expect(() => readDbEnv(env)).toThrow(message);
    expect(() => readDbEnv(env)).not.toThrow(/s3cret/);
  });
});
