import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SettingsError } from "./settings.ts";
import { readSettingsSource } from "./settings-source.ts";

function dotenvFile(contents: string): string {
  const path = join(mkdtempSync(join(tmpdir(), "dotenv-")), ".env");
  writeFileSync(path, contents);
  return path;
}

describe("readSettingsSource", () => {
  const copiedExample = dotenvFile("INNGEST_DEV=1\nWEB_ORIGIN=http://localhost:5173\nLOG_LEVEL=debug\n");

  it("in development, fills in from .env what the environment does not set, without touching process.env", () => {
    const environment = { LOG_LEVEL: "warn" };
    const settings = readSettingsSource({ dotenvPath: copiedExample, environment: environment });
    expect(settings).toMatchObject({ INNGEST_DEV: "1", WEB_ORIGIN: "http://localhost:5173", LOG_LEVEL: "warn" });
    expect(environment).toEqual({ LOG_LEVEL: "warn" });
    expect(process.env.INNGEST_DEV).toBeUndefined();
  });

  it("in production, ignores .env: a copied .env.example cannot switch on Inngest's dev mode", () => {
    const environment = { NODE_ENV: "production" };
    expect(readSettingsSource({ dotenvPath: copiedExample, environment: environment })).toEqual({
      NODE_ENV: "production",
    });
  });

  it("refuses NODE_ENV=production coming from .env", () => {
    const path = dotenvFile("NODE_ENV=production\n");
    expect(() => readSettingsSource({ dotenvPath: path, environment: {} })).toThrow(SettingsError);
    expect(() => readSettingsSource({ dotenvPath: path, environment: {} })).toThrow(
      /production takes its settings from the environment only/,
    );
  });

  it("works without a .env", () => {
    expect(
      readSettingsSource({ dotenvPath: join(tmpdir(), "no-such-dir", ".env"), environment: { PORT: "1" } }),
    ).toEqual({ PORT: "1" });
  });
});
