import type { Profile } from "../api/trpc.ts";

/** A profile as `user.me` and `user.updateProfile` return it, for component tests. */
export function profileRow(overrides: Partial<Profile> = {}): Profile {
  return {
    id: "user_2abc",
    email: "ada@example.org",
    username: "ada",
    firstName: "Ada",
    lastName: "Lovelace",
    imageUrl: "https://img.clerk.com/avatar.png",
    displayName: null,
    bio: null,
    signedUpAt: new Date("2026-01-01T10:00:00Z"),
    changedInClerkAt: new Date("2026-02-01T10:00:00Z"),
    ...overrides,
  };
}
