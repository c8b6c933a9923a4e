import { describe, expect, it } from "vitest";
import { clerkUserJson } from "../testing/clerk-fixtures.ts";
import { parseClerkUser } from "./clerk-user.ts";
import { userSyncRowFromClerk } from "./user-row.ts";

describe("userSyncRowFromClerk", () => {
  it("takes the primary email by primary_email_address_id, not the first in the list", () => {
    const user = clerkUserJson();
    const row = userSyncRowFromClerk(user);
    expect(user.email_addresses[0]?.email_address).not.toBe(row.email);
    expect(row.email).toBe(user.email_addresses[1]?.email_address);
  });

  it("has no email when Clerk names no primary address", () => {
    expect(userSyncRowFromClerk(clerkUserJson({ primary_email_address_id: null })).email).toBeNull();
  });

  it("maps names and timestamps null-safely, and Clerk's updated_at (ms) to the version", () => {
    const user = clerkUserJson({
      first_name: null,
      last_name: null,
      username: null,
      last_sign_in_at: 1_767_300_000_123,
    });
    const row = userSyncRowFromClerk(user);
    expect(row).toMatchObject({ first_name: null, last_name: null, username: null });
    expect(row.clerk_updated_at.getTime()).toBe(user.updated_at);
    expect(row.last_sign_in_at?.getTime()).toBe(1_767_300_000_123);
    expect(JSON.parse(row.public_metadata)).toEqual({ plan: "free" });
  });
});

describe("clerkUserJsonSchema", () => {
  it("accepts Clerk's full UserJSON, keeping fields it does not read", () => {
    expect(parseClerkUser(clerkUserJson())).toHaveProperty("data.two_factor_enabled", false);
  });

  it.each([
    ["missing id", { id: undefined }, /id/],
    ["missing updated_at", { updated_at: undefined }, /updated_at/],
    ["updated_at as a string", { updated_at: "yesterday" }, /updated_at/],
    ["updated_at past the last date JavaScript holds", { updated_at: 8_640_000_000_000_001 }, /updated_at/],
    ["email list without the primary", { email_addresses: [] }, /primary_email_address_id: names idn_/],
    ["email_addresses not a list", { email_addresses: "ada@example.org" }, /email_addresses/],
  ])("rejects %s, naming the field", (_name, override, message) => {
    expect(parseClerkUser({ ...clerkUserJson(), ...override })).toEqual({
      success: false,
      reason: expect.stringMatching(message),
    });
  });

  it.each([
    ["a NUL in a name", { first_name: "Ada\u0000" }, /first_name: contains a NUL character/],
    [
      "a NUL in a metadata key",
      { public_metadata: { "pl\u0000an": "free" } },
      /public_metadata: has a key that contains a NUL/,
    ],
    [
      "a lone surrogate deep in metadata",
      { public_metadata: { a: [{ b: "\uD800" }] } },
      /public_metadata\.a\.0\.b: .*lone/,
    ],
    ["a lone low surrogate in the username", { username: "x\uDC00" }, /username: contains a lone UTF-16 surrogate/],
  ])("rejects %s, which Postgres cannot store, naming the field", (_name, override, message) => {
    expect(parseClerkUser({ ...clerkUserJson(), ...override })).toEqual({
      success: false,
      reason: expect.stringMatching(message),
    });
  });

  it("accepts text Postgres can store, emoji (surrogate pairs) included", () => {
    const user = clerkUserJson({ first_name: "Ada \u{1F680}", public_metadata: { "\u{1F600}": ["\u00e9"] } });
    expect(parseClerkUser(user)).toHaveProperty("data.first_name", "Ada \u{1F680}");
  });
});
