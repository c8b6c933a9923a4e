// @vitest-environment node
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { INITIAL_JS_BUDGET_BYTES, measureInitialJs } from "./initial-js.ts";

describe("the production build's initial JavaScript", () => {
  let outDir: string;

  beforeAll(() => {
    outDir = inject("webDistDir");
  });

  it(`stays within ${INITIAL_JS_BUDGET_BYTES / 1024} KB gzip: signed-in pages are their own chunks`, () => {
    const initial = measureInitialJs(outDir);
    // The entry and its modulepreloads are what every visitor downloads and runs before the landing page.
    expect(initial.files.length).toBeGreaterThan(0);
    expect(initial.gzipBytes, JSON.stringify(initial.files)).toBeLessThanOrEqual(INITIAL_JS_BUDGET_BYTES);
  });

  it("leaves out the Clerk components and hooks the app never uses", () => {
    const initial = measureInitialJs(outDir);
    // Names Clerk gives them, kept through minification: billing hooks, Stripe's payment element and
    // the Web3 sign-in button (vite.config.ts says why the build used to keep them).
    const unused = ["usePaymentMethods", "usePlans", "PaymentElementContext", "SignInWithMetamask"];
    for (const marker of unused) expect(initial.source.includes(marker), `${marker} in the initial JS`).toBe(false);
    // ...while the ones the header and landing page render are there.
    for (const used of ["SignInButton", "UserButton", "OrganizationSwitcher"]) {
      expect(initial.source.includes(used), `${used} in the initial JS`).toBe(true);
    }
  });

  it("leaves the tRPC client, React Query and the profile page to a chunk loaded after sign-in", () => {
    const initial = measureInitialJs(outDir);
    // Names each piece keeps through minification: tRPC's client error, React Query's provider check,
    // the procedure the profile page saves with, and the organization page's text.
    const signedInOnly = [
      "TRPCClientError",
      "No QueryClient set",
      "updateProfile",
      "Only this organization's admins can change",
    ];
    const lazySource = initial.lazyFiles.map((file) => readFileSync(join(outDir, file), "utf8")).join("\n");
    for (const marker of signedInOnly) {
      expect(initial.source.includes(marker), `${marker} in the initial JS`).toBe(false);
      expect(lazySource.includes(marker), `${marker} in a lazy chunk`).toBe(true);
    }
  });

  it("leaves the charting library to a chunk of its own, fetched only by the operators' console", () => {
    const initial = measureInitialJs(outDir);
    // A class name Recharts puts on every chart, kept through minification.
    const marker = "recharts-wrapper";
    const chunks = initial.lazyFiles.map((file) => readFileSync(join(outDir, file), "utf8"));
    expect(initial.source.includes(marker), `${marker} in the initial JS`).toBe(false);
    expect(chunks.filter((source) => source.includes(marker))).toHaveLength(1);
    // Not in the chunk every signed-in person loads (the profile page's), nor the organization page's.
    for (const source of chunks.filter((chunk) => chunk.includes("updateProfile")))
      expect(source.includes(marker), `${marker} beside the signed-in pages`).toBe(false);
  });
});
