import type { MembershipSyncRow } from "../memberships/repository.ts";
import type { OrganizationSyncRow } from "../organizations/repository.ts";
import type { UserSyncRow } from "../users/repository.ts";

let counter = 0;

/**
 * A user as a Clerk sync writes it (the repository's input: plain columns, no Clerk JSON), unique per
 * call. Clerk-shaped fixtures, and the mapping from them, live in @repo/clerk.
 */
export function userSyncRow(overrides: Partial<UserSyncRow> = {}): UserSyncRow {
  counter += 1;
  const createdAt = new Date(1_767_225_600_000 + counter * 1000);
  return {
    id: `user_2${String(counter).padStart(6, "0")}SyncRowFixture`,
    email: `ada-${counter}@example.org`,
    username: `user${counter}`,
    first_name: "Ada",
    last_name: "Lovelace",
    image_url: "https://img.clerk.com/eyJ0eXBlIjoiZGVmYXVsdCJ9",
    public_metadata: JSON.stringify({ plan: "free" }),
    clerk_created_at: createdAt,
    clerk_updated_at: createdAt,
    last_sign_in_at: null,
    ...overrides,
  };
}

/** An organization as a Clerk sync writes it, unique per call. */
export function organizationSyncRow(overrides: Partial<OrganizationSyncRow> = {}): OrganizationSyncRow {
  counter += 1;
  const createdAt = new Date(1_767_225_600_000 + counter * 1000);
  return {
    id: `org_2${String(counter).padStart(6, "0")}SyncRowFixture`,
    name: `Analytical Engines ${counter}`,
    slug: `analytical-engines-${counter}`,
    image_url: "https://img.clerk.com/eyJ0eXBlIjoib3JnIn0",
    public_metadata: JSON.stringify({ tier: "team" }),
    clerk_created_at: createdAt,
    clerk_updated_at: createdAt,
    ...overrides,
  };
}

/** A membership of `organization_id` for `user_id` as a Clerk sync writes it, unique per call. */
export function membershipSyncRow(
  overrides: Partial<MembershipSyncRow> & Pick<MembershipSyncRow, "organization_id" | "user_id">,
): MembershipSyncRow {
  counter += 1;
  const createdAt = new Date(1_767_225_600_000 + counter * 1000);
  return {
    id: `orgmem_2${String(counter).padStart(6, "0")}SyncRowFixture`,
    role: "org:member",
    user_identifier: `member-${counter}@example.org`,
    user_first_name: "Ada",
    user_last_name: "Lovelace",
    user_image_url: "https://img.clerk.com/eyJ0eXBlIjoidXNlciJ9",
    clerk_created_at: createdAt,
    clerk_updated_at: createdAt,
    ...overrides,
  };
}
