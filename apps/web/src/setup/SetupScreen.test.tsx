import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { PUBLISHABLE_KEY_META, readWebEnv } from "../env.ts";
import { SetupScreen } from "./SetupScreen.tsx";

describe("setup screen", () => {
  it("names the variable, where to find it, and the file to put it in", () => {
    render(<SetupScreen />);
    expect(screen.getByRole("heading", { name: /connect Clerk/ })).toBeTruthy();
    expect(screen.getAllByText("VITE_CLERK_PUBLISHABLE_KEY")).toHaveLength(1);
    expect(screen.getAllByText("CLERK_SECRET_KEY")).toHaveLength(1);
    // One key, pasted once: the server falls back to the web app's name for the publishable key.
    expect(screen.queryAllByText("CLERK_PUBLISHABLE_KEY")).toHaveLength(0);
    expect(screen.getByText("Configure > API keys")).toBeTruthy();
    expect(screen.getByText(".env")).toBeTruthy();
  });

  it("is what a missing or malformed key leads to", () => {
    expect(readWebEnv({}).clerkPublishableKey).toBeUndefined();
    expect(readWebEnv({ VITE_CLERK_PUBLISHABLE_KEY: "sk_test_secret" }).clerkPublishableKey).toBeUndefined();
    expect(readWebEnv({ VITE_CLERK_PUBLISHABLE_KEY: " pk_test_abc " }).clerkPublishableKey).toBe("pk_test_abc");
  });

  it("takes the key the server wrote into the page over the one compiled into the bundle", () => {
    const page = new DOMParser().parseFromString(
      `<head><meta name="${PUBLISHABLE_KEY_META}" content="pk_live_served"></head>`,
      "text/html",
    );
    expect(readWebEnv({ VITE_CLERK_PUBLISHABLE_KEY: "pk_test_built" }, page).clerkPublishableKey).toBe(
      "pk_live_served",
    );
    expect(readWebEnv({}, page).clerkPublishableKey).toBe("pk_live_served");
    const empty = new DOMParser().parseFromString(`<meta name="${PUBLISHABLE_KEY_META}" content="">`, "text/html");
    expect(readWebEnv({ VITE_CLERK_PUBLISHABLE_KEY: "pk_test_built" }, empty).clerkPublishableKey).toBe(
      "pk_test_built",
    );
  });
});
