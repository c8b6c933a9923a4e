import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { ProblemState } from "./ProblemState.tsx";

describe("ProblemState", () => {
  it("offers a retry when the server cannot be reached", async () => {
    const onRetry = vi.fn();
    render(<ProblemState problem={{ kind: "unreachable" }} onRetry={onRetry} />);
    expect(screen.getByRole("alert").textContent).toMatch(/Can't reach the server/);
    await userEvent.click(screen.getByRole("button", { name: "Try again" }));
    expect(onRetry).toHaveBeenCalledOnce();
  });

  it("shows the server's message for other failures", () => {
    render(<ProblemState problem={{ kind: "other", message: "Unexpected error" }} onRetry={vi.fn()} />);
    expect(screen.getByRole("alert").textContent).toMatch(/Something went wrong.*Unexpected error/);
  });
});
