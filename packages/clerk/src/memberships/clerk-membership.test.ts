import { describe, expect, it } from "vitest";
import { clerkMembershipJson, clerkOrganizationJson, clerkUserJson } from "../testing/clerk-fixtures.ts";
import { parseClerkMembership } from "./clerk-membership.ts";
import { membershipRefFromClerk, membershipSyncRowFromClerk } from "./membership-row.ts";

const membership = (overrides: Record<string, unknown> = {}) => ({
  ...clerkMembershipJson(clerkOrganizationJson(), clerkUserJson()),
  ...overrides,
});

describe("membershipSyncRowFromClerk", () => {
  it("maps Clerk's membership: its organization's id, the member from public_user_data, timestamps from milliseconds", () => {
    const organization = clerkOrganizationJson();
    const user = clerkUserJson({ first_name: "Grace", last_name: "Hopper" });
    const clerk = clerkMembershipJson(
      organization,
      { ...user, identifier: "grace@example.org" },
      { role: "org:admin" },
    );
    expect(membershipSyncRowFromClerk(clerk)).toEqual({
      id: clerk.id,
      organization_id: organization.id,
      user_id: user.id,
      role: "org:admin",
      user_identifier: "grace@example.org",
      user_first_name: "Grace",
      user_last_name: "Hopper",
      user_image_url: user.image_url,
      clerk_created_at: new Date(clerk.created_at),
      clerk_updated_at: new Date(clerk.updated_at),
    });
    expect(membershipRefFromClerk(clerk)).toEqual({ id: clerk.id, organization_id: organization.id, user_id: user.id });
  });
});

describe("clerkMembershipJsonSchema", () => {
  it("accepts Clerk's full OrganizationMembershipJSON, keeping fields it does not read", () => {
    expect(parseClerkMembership(membership())).toHaveProperty("data.permissions");
  });

  it.each([
    ["missing id", { id: undefined }, /^id: /],
    ["missing role", { role: undefined }, /role: /],
    ["an empty role", { role: "" }, /role: Too small/],
    ["missing updated_at", { updated_at: undefined }, /updated_at: /],
    ["no organization", { organization: undefined }, /organization: /],
    [
      "an organization without a name",
      { organization: { ...clerkOrganizationJson(), name: 7 } },
      /organization\.name: /,
    ],
    [
      "an organization whose metadata holds a lone surrogate",
      { organization: clerkOrganizationJson({ public_metadata: { a: "\ud800" } }) },
      /organization\.public_metadata\.a: contains a lone UTF-16 surrogate/,
    ],
    ["no public_user_data", { public_user_data: undefined }, /public_user_data: /],
    [
      "a member without a user_id",
      { public_user_data: { identifier: "ada@example.org" } },
      /public_user_data\.user_id: /,
    ],
    [
      "a NUL in the member's first name",
      { public_user_data: { user_id: "user_1", first_name: "Ada\u0000" } },
      /public_user_data\.first_name: contains a NUL character/,
    ],
  ])("refuses %s, naming the field", (_case, override, message) => {
    expect(parseClerkMembership(membership(override))).toEqual({
      success: false,
      reason: expect.stringMatching(message),
    });
  });
});
