import type { Profile } from "../api/trpc.ts";

/** The user's name as Clerk has it, or their username when Clerk has no name. */
export function clerkNameOf(profile: Profile): string | null {
  return [profile.firstName, profile.lastName].filter(Boolean).join(" ") || profile.username || null;
}

/** What the app calls the user: the display name chosen here, else Clerk's name. */
export function shownNameOf(profile: Profile): string | null {
  return profile.displayName || clerkNameOf(profile);
}
