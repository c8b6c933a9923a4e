import type { LiveMember } from "@repo/db/memberships";
import type { Organization as OrganizationRow } from "@repo/db/organizations";

/**
 * The active organization as the API shows it: named field by field, so a new column reaches callers only
 * when it is added here. Sync bookkeeping (`synced_at`, `last_listed_at`, our own `created_at` and
 * `updated_at`), the tombstone marker and Clerk's metadata stay in the database.
 */
export type Organization = {
  /** Clerk's organization id (`org_...`). */
  id: string;
  name: string;
  /** Null when the Clerk instance has organization slugs turned off. */
  slug: string | null;
  imageUrl: string | null;
  /** App-owned: edited here by the organization's admins, never overwritten by a sync. */
  description: string | null;
  /** When the organization was created in Clerk. */
  createdInClerkAt: Date | null;
  /** When Clerk last changed it (Clerk's `updated_at`); the app's own fields do not move it. */
  changedInClerkAt: Date | null;
};

/** A live member of the active organization. */
export type Member = {
  /** Clerk's membership id (`orgmem_...`). */
  id: string;
  userId: string;
  /** Clerk's role key, e.g. `org:admin` or `org:member`. */
  role: string;
  /** The member's display name in this app, else their name in Clerk; null when neither is known. */
  name: string | null;
  /**
   * The member's primary email address when we have their user, else Clerk's identifier for them (an
   * email address, username or phone number, from the membership).
   */
  identifier: string | null;
  imageUrl: string | null;
  /** When Clerk created the membership. */
  joinedAt: Date;
};

/** Maps a live organization row; tombstones are refused before anything is shown (organization-directory.ts). */
export function toOrganization(row: OrganizationRow): Organization {
  return {
    id: row.id,
    // Only a tombstone has no name, and no tombstone reaches this.
    name: row.name ?? "",
    slug: row.slug,
    imageUrl: row.image_url,
    description: row.description,
    createdInClerkAt: row.clerk_created_at,
    changedInClerkAt: row.clerk_updated_at,
  };
}

export function toMember(row: LiveMember): Member {
  const clerkName = [row.first_name, row.last_name].filter(Boolean).join(" ");
  return {
    id: row.membership_id,
    userId: row.user_id,
    role: row.role,
    name: row.display_name ?? (clerkName || null),
    identifier: row.email ?? row.identifier,
    imageUrl: row.image_url,
    joinedAt: row.joined_at,
  };
}
