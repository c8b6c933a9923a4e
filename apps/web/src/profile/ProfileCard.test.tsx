import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { profileRow } from "./fixtures.ts";
import { ProfileCard } from "./ProfileCard.tsx";

describe("ProfileCard", () => {
  it("shows the synced data, with the display name as the heading when there is one", () => {
    render(<ProfileCard profile={profileRow({ displayName: "Countess" })} />);
    expect(screen.getByRole("heading", { name: "Countess" })).toBeTruthy();
    expect(screen.getByTestId("clerk-name").textContent).toBe("Ada Lovelace");
    expect(screen.getByTestId("email").textContent).toBe("ada@example.org");
    expect(screen.getByText("Signed up")).toBeTruthy();
    expect(screen.getByTestId("changed-in-clerk").textContent).not.toBe("never");
  });

  it("falls back to the username, and says when there is no email", () => {
    render(<ProfileCard profile={profileRow({ firstName: null, lastName: null, email: null })} />);
    expect(screen.getByRole("heading", { name: "ada" })).toBeTruthy();
    expect(screen.getByTestId("email").textContent).toBe("No primary email");
  });
});
