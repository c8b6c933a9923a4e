import { cleanup, render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { ClerkUnavailable } from "./ClerkUnavailable.tsx";

// Well-formed, but naming a Clerk application that does not exist.
const unknownKey = `pk_test_${btoa("unknown-app-42.clerk.accounts.dev$")}`;

describe("ClerkUnavailable", () => {
  it("in development names the publishable key, and the host it points at, before the connection", () => {
    render(<ClerkUnavailable publishableKey={unknownKey} isOnline isDevelopment />);
    const text = screen.getByRole("alert").textContent ?? "";
    expect(text).toMatch(/Clerk did not answer at unknown-app-42\.clerk\.accounts\.dev/);
    expect(text.indexOf("Check the key first")).toBeGreaterThan(-1);
    expect(text.indexOf("Check the key first")).toBeLessThan(text.indexOf("check your connection"));
    cleanup();
    // A visitor of a deployed app is told nothing about keys.
    render(<ClerkUnavailable publishableKey={unknownKey} isOnline isDevelopment={false} />);
    expect(screen.getByRole("alert").textContent).toMatch(/The sign-in service did not answer/);
    expect(screen.getByRole("alert").textContent).not.toMatch(/key|unknown-app-42/);
  });

  it("says the browser is offline when it knows so", () => {
    render(<ClerkUnavailable publishableKey={unknownKey} isOnline={false} isDevelopment />);
    expect(screen.getByRole("alert").textContent).toMatch(/This browser is offline/);
    expect(screen.getByRole("alert").textContent).not.toMatch(/key/);
  });
});
