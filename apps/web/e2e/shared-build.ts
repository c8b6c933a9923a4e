import { rmSync } from "node:fs";
import type { TestProject } from "vitest/node";
import { buildWebApp } from "./build-web.ts";

/**
 * A server secret that sits in the environment while the shared build is made, as it would on a
 * developer's machine: the browser tests check that it never reaches the bundle.
 */
export const LEAK_CANARY = "sk_test_thisSecretMustNeverReachTheBundle";

declare module "vitest" {
  export interface ProvidedContext {
    /** The production build of the web app that the browser tests serve (made once per test run). */
    webDistDir: string;
  }
}

/**
 * Vitest's global set-up: one production build of the web app for every browser test of the run, rather
 * than one per test file (each takes several seconds of both cores). Tests read it with
 * `inject("webDistDir")` and must not change it.
 */
export default async function buildOnce(project: TestProject) {
  const previousSecret = process.env.CLERK_SECRET_KEY;
  process.env.CLERK_SECRET_KEY = LEAK_CANARY;
  let webDistDir: string;
  try {
    webDistDir = await buildWebApp(undefined);
  } finally {
    if (previousSecret === undefined) delete process.env.CLERK_SECRET_KEY;
    else process.env.CLERK_SECRET_KEY = previousSecret;
  }
  project.provide("webDistDir", webDistDir);
  return () => rmSync(webDistDir, { recursive: true, force: true });
}
