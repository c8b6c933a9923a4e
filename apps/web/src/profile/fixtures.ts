import type { Profile } from "../api/trpc.ts";

/** A row as `user.me` returns it, for component tests. */
export function profileRow(overrides: Partial<Profile> = {}): Profile {
  return {
    id: "user_2abc",
    email: "ada@example.org",
    username: "ada",
    first_name: "Ada",
    last_name: "Lovelace",
    image_url: "https://img.clerk.com/avatar.png",
    public_metadata: {},
    clerk_created_at: new Date("2026-01-01T10:00:00Z"),
    clerk_updated_at: new Date("2026-02-01T10:00:00Z"),
    last_sign_in_at: null,
    deleted_at: null,
    synced_at: new Date("2026-02-01T10:00:05Z"),
    last_listed_at: null,
    display_name: null,
    bio: null,
    created_at: new Date("2026-01-01T10:00:01Z"),
    updated_at: new Date("2026-02-01T10:00:05Z"),
    ...overrides,
  };
}
