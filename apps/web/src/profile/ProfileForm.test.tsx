import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { profileRow } from "./fixtures.ts";
import { ProfileForm } from "./ProfileForm.tsx";

describe("ProfileForm", () => {
  it("starts from the stored values and submits what was typed", async () => {
    const onSave = vi.fn();
    render(<ProfileForm profile={profileRow({ displayName: "Countess" })} onSave={onSave} isSaving={false} />);
    const name = screen.getByLabelText("Display name");
    expect(name).toHaveProperty("value", "Countess");
    await userEvent.clear(name);
    await userEvent.type(name, "Ada L.");
    await userEvent.type(screen.getByLabelText("Bio"), "Analyst");
    await userEvent.click(screen.getByRole("button", { name: "Save" }));
    expect(onSave).toHaveBeenCalledWith({ displayName: "Ada L.", bio: "Analyst" });
  });

  it("submits with the keyboard alone", async () => {
    const onSave = vi.fn();
    render(<ProfileForm profile={profileRow()} onSave={onSave} isSaving={false} />);
    await userEvent.tab();
    expect(document.activeElement).toBe(screen.getByLabelText("Display name"));
    await userEvent.keyboard("Ada{Enter}");
    expect(onSave).toHaveBeenCalledWith({ displayName: "Ada", bio: "" });
  });

  it("shows the saving state and blocks a second submit", () => {
    render(<ProfileForm profile={profileRow()} onSave={vi.fn()} isSaving />);
    const button = screen.getByRole("button", { name: "Saving…" });
    expect(button).toHaveProperty("disabled", true);
    expect(button.getAttribute("aria-busy")).toBe("true");
  });

  it("shows the server's message next to each invalid field, linked for screen readers", () => {
    render(
      <ProfileForm
        profile={profileRow()}
        onSave={vi.fn()}
        isSaving={false}
        fieldErrors={{ displayName: ["Display name must be at most 80 characters"] }}
      />,
    );
    const name = screen.getByLabelText("Display name");
    expect(name.getAttribute("aria-invalid")).toBe("true");
    const message = screen.getByText("Display name must be at most 80 characters");
    expect(name.getAttribute("aria-describedby")).toContain(message.id);
    expect(screen.getByLabelText("Bio").getAttribute("aria-invalid")).toBe("false");
  });

  it("announces a successful save and a failure that is not about a field", () => {
    const { rerender } = render(
      <ProfileForm profile={profileRow()} onSave={vi.fn()} isSaving={false} savedAt={new Date(2026, 1, 1, 9, 30)} />,
    );
    expect(screen.getByRole("status").textContent).toMatch(/^Saved at /);
    rerender(<ProfileForm profile={profileRow()} onSave={vi.fn()} isSaving={false} formError="Unexpected error" />);
    expect(screen.getByRole("status").textContent).toBe("Unexpected error");
  });
});
