import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { ActingAsBanner } from "./ActingAsBanner.tsx";
import { profileRow } from "./fixtures.ts";

describe("ActingAsBanner", () => {
  it("says whom the person at the keyboard is acting as, and who they really are", () => {
    render(<ActingAsBanner actor={{ userId: "user_support" }} profile={profileRow({ displayName: "Countess" })} />);
    const banner = screen.getByRole("region", { name: "Impersonation" });
    expect(screen.getByRole("heading", { name: "Acting as Countess" })).toBeTruthy();
    expect(banner.textContent).toContain("user_support");
  });

  it("names the user by Clerk's name, then email, then id when there is no display name", () => {
    const { rerender } = render(<ActingAsBanner actor={{ userId: "user_support" }} profile={profileRow()} />);
    expect(screen.getByRole("heading").textContent).toBe("Acting as Ada Lovelace");
    const nameless = profileRow({ firstName: null, lastName: null, username: null });
    rerender(<ActingAsBanner actor={{ userId: "user_support" }} profile={nameless} />);
    expect(screen.getByRole("heading").textContent).toBe("Acting as ada@example.org");
    rerender(<ActingAsBanner actor={{ userId: "user_support" }} profile={{ ...nameless, email: null }} />);
    expect(screen.getByRole("heading").textContent).toBe("Acting as user_2abc");
  });
});
