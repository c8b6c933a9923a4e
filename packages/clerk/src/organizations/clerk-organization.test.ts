import { randomBytes } from "node:crypto";
import { assert, describe, expect, it } from "vitest";
import { clerkOrganizationJson } from "../testing/clerk-fixtures.ts";
import { clerkDeletedOrganizationSchema, parseClerkOrganization } from "./clerk-organization.ts";
import { organizationSyncRowFromClerk } from "./organization-row.ts";

describe("organizationSyncRowFromClerk", () => {
  it("maps Clerk's organization to the columns a sync writes, timestamps from milliseconds", () => {
    const organization = clerkOrganizationJson({ updated_at: 1_767_300_000_123 });
    expect(organizationSyncRowFromClerk(organization)).toEqual({
      id: organization.id,
      name: organization.name,
      slug: organization.slug,
      image_url: organization.image_url,
      public_metadata: JSON.stringify({ tier: "team" }),
      clerk_created_at: new Date(organization.created_at),
      clerk_updated_at: new Date(1_767_300_000_123),
    });
  });

  it("maps absent slug, image and metadata null-safely", () => {
    const { slug, image_url, public_metadata, ...rest } = clerkOrganizationJson();
    const parsed = parseClerkOrganization({ ...rest, slug: null, public_metadata: null });
    assert(parsed.success);
    expect(organizationSyncRowFromClerk(parsed.data)).toMatchObject({
      slug: null,
      image_url: null,
      public_metadata: "{}",
    });
  });
});

describe("clerkOrganizationJsonSchema", () => {
  it("accepts Clerk's full OrganizationJSON, keeping fields it does not read", () => {
    expect(parseClerkOrganization(clerkOrganizationJson())).toHaveProperty("data.max_allowed_memberships", 5);
  });

  it.each([
    ["missing id", { id: undefined }, /^id: /],
    ["missing name", { name: undefined }, /name: /],
    ["missing updated_at", { updated_at: undefined }, /updated_at: /],
    ["updated_at as a string", { updated_at: "yesterday" }, /updated_at: /],
    ["an updated_at after the year 9999", { updated_at: Date.UTC(10_000, 0, 1) }, /updated_at: Too big/],
    [
      "an id of 3,000 random characters",
      { id: randomBytes(2_250).toString("base64") },
      /id: is not a Clerk organization id/,
    ],
    ["a NUL in the name", { name: "Engines\u0000" }, /name: contains a NUL character/],
    ["a lone surrogate in the slug", { slug: "x\udc00" }, /slug: contains a lone UTF-16 surrogate/],
    [
      "a NUL in a metadata key",
      { public_metadata: { "ti\u0000er": 1 } },
      /public_metadata: has a key that contains a NUL/,
    ],
    ["another object's type", { object: "user" }, /object: /],
  ])("refuses %s, naming the field", (_case, override, message) => {
    expect(parseClerkOrganization({ ...clerkOrganizationJson(), ...override })).toEqual({
      success: false,
      reason: expect.stringMatching(message),
    });
  });

  it("accepts a delete as Clerk sends it, and refuses one without an id or with a NUL in it", () => {
    expect(
      clerkDeletedOrganizationSchema.safeParse({ id: "org_1", object: "organization", deleted: true }).success,
    ).toBe(true);
    expect(clerkDeletedOrganizationSchema.safeParse({ object: "organization", deleted: true }).success).toBe(false);
    expect(clerkDeletedOrganizationSchema.safeParse({ id: "org_\u0000", deleted: true }).success).toBe(false);
    expect(clerkDeletedOrganizationSchema.safeParse({ id: "org_1", deleted: false }).success).toBe(false);
  });
});
