import type { UserSyncRow } from "../users/repository.ts";

let counter = 0;

/**
 * A user as a Clerk sync writes it (the repository's input: plain columns, no Clerk JSON), unique per
 * call. Clerk-shaped fixtures, and the mapping from them, live with the sync in @repo/inngest.
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
