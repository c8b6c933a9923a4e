import { fireEvent, render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { MemberList } from "../organization/MemberList.tsx";
import { OrganizationCard } from "../organization/OrganizationCard.tsx";
import { profileRow } from "../profile/fixtures.ts";
import { ProfileCard } from "../profile/ProfileCard.tsx";

/** The page's one picture fails to load, as a deleted Clerk image or a blocked image host does. */
function failImage(container: HTMLElement) {
  const image = container.querySelector("img");
  expect(image).not.toBeNull();
  fireEvent.error(image as HTMLImageElement);
}

describe("an avatar whose image cannot load", () => {
  it("shows the person's initials on the profile, not a broken image", () => {
    const { container } = render(<ProfileCard profile={profileRow({ displayName: "Countess Lovelace" })} />);
    failImage(container);
    expect(container.querySelector("img")).toBeNull();
    expect(screen.getByTestId("avatar-initials").textContent).toBe("CL");
  });

  it("shows a member's and an organization's initials", () => {
    const members = render(
      <MemberList
        members={[
          {
            id: "orgmem_1",
            userId: "user_1",
            name: "Ada Lovelace",
            identifier: "ada@example.org",
            imageUrl: "https://img.clerk.com/gone.png",
            role: "org:admin",
            joinedAt: new Date("2026-01-01"),
          },
        ]}
      />,
    );
    failImage(members.container);
    expect(screen.getByTestId("avatar-initials").textContent).toBe("AL");
    members.unmount();

    const organization = render(
      <OrganizationCard
        organization={{
          id: "org_1",
          name: "analytical engines",
          slug: null,
          description: null,
          imageUrl: "https://img.clerk.com/logo.png",
          createdInClerkAt: new Date("2026-01-01"),
          changedInClerkAt: new Date("2026-01-01"),
        }}
      />,
    );
    failImage(organization.container);
    expect(screen.getByTestId("avatar-initials").textContent).toBe("AE");
  });
});
