import type { ClerkMembershipJson } from "../memberships/clerk-membership.ts";
import type { ClerkOrganizationJson } from "../organizations/clerk-organization.ts";
import type { ClerkUserJson } from "../users/clerk-user.ts";

let counter = 0;

/**
 * A user as Clerk's webhooks and Backend API send it: every field of `UserJSON`, with nulls where Clerk
 * sends nulls, not just the few this app reads. Tests that pass with this pass with the real thing.
 */
export function clerkUserJson(overrides: Partial<ClerkUserJson> & { id?: string } = {}): ClerkUserJson {
  counter += 1;
  const id = overrides.id ?? `user_2${String(counter).padStart(6, "0")}TestFixtureAbCdEfGh`;
  const emailId = `idn_2${String(counter).padStart(6, "0")}PrimaryEmail`;
  const createdAt = 1_767_225_600_000 + counter * 1000;
  return {
    id,
    object: "user",
    username: `user${counter}`,
    first_name: "Ada",
    last_name: "Lovelace",
    image_url: "https://img.clerk.com/eyJ0eXBlIjoiZGVmYXVsdCJ9",
    has_image: false,
    primary_email_address_id: emailId,
    primary_phone_number_id: null,
    primary_web3_wallet_id: null,
    password_enabled: true,
    two_factor_enabled: false,
    totp_enabled: false,
    backup_code_enabled: false,
    email_addresses: [
      {
        id: `idn_2${String(counter).padStart(6, "0")}SecondaryMail`,
        object: "email_address",
        email_address: `old-${counter}@example.org`,
        reserved: false,
        verification: { status: "verified", strategy: "email_code", attempts: null, expire_at: null },
        linked_to: [],
        matches_sso_connection: false,
        created_at: createdAt,
        updated_at: createdAt,
      },
      {
        id: emailId,
        object: "email_address",
        email_address: `ada-${counter}@example.org`,
        reserved: false,
        verification: { status: "verified", strategy: "email_code", attempts: 1, expire_at: createdAt + 600_000 },
        linked_to: [],
        matches_sso_connection: false,
        created_at: createdAt,
        updated_at: createdAt,
      },
    ],
    phone_numbers: [],
    web3_wallets: [],
    passkeys: [],
    external_accounts: [],
    saml_accounts: [],
    enterprise_accounts: [],
    public_metadata: { plan: "free" },
    private_metadata: {},
    unsafe_metadata: {},
    external_id: null,
    last_sign_in_at: null,
    banned: false,
    locked: false,
    lockout_expires_in_seconds: null,
    verification_attempts_remaining: 100,
    created_at: createdAt,
    updated_at: createdAt,
    delete_self_enabled: true,
    create_organization_enabled: true,
    create_organizations_limit: null,
    last_active_at: createdAt,
    mfa_enabled_at: null,
    mfa_disabled_at: null,
    legal_accepted_at: null,
    profile_image_url: "https://www.gravatar.com/avatar?d=mp",
    ...overrides,
  };
}

/**
 * An organization as Clerk's webhooks and Backend API send it: every field of `OrganizationJSON`, not
 * just the few this app reads.
 */
export function clerkOrganizationJson(
  overrides: Partial<ClerkOrganizationJson> & { id?: string } = {},
): ClerkOrganizationJson {
  counter += 1;
  const createdAt = 1_767_225_600_000 + counter * 1000;
  return {
    object: "organization",
    id: overrides.id ?? `org_2${String(counter).padStart(6, "0")}TestFixtureAbCdEf`,
    name: `Analytical Engines ${counter}`,
    slug: `analytical-engines-${counter}`,
    image_url: "https://img.clerk.com/eyJ0eXBlIjoib3JnYW5pemF0aW9uIn0",
    has_image: false,
    members_count: 1,
    pending_invitations_count: 0,
    max_allowed_memberships: 5,
    admin_delete_enabled: true,
    public_metadata: { tier: "team" },
    private_metadata: { stripeCustomerId: "cus_ORG_PRIVATE" },
    created_by: "user_2creatorOfTheOrganization",
    created_at: createdAt,
    updated_at: createdAt,
    ...overrides,
  };
}

/**
 * A membership as Clerk's webhooks send it (`OrganizationMembershipJSON`, every field), of
 * `organization` for the Clerk user `user`.
 */
export function clerkMembershipJson(
  organization: ClerkOrganizationJson,
  user: Pick<ClerkUserJson, "id" | "first_name" | "last_name" | "image_url"> & { identifier?: string },
  overrides: Partial<ClerkMembershipJson> & { id?: string } = {},
): ClerkMembershipJson {
  counter += 1;
  const createdAt = 1_767_225_600_000 + counter * 1000;
  return {
    object: "organization_membership",
    id: overrides.id ?? `orgmem_2${String(counter).padStart(6, "0")}TestFixtureAbCd`,
    role: "org:member",
    role_name: "Member",
    permissions: ["org:sys_profile:read", "org:sys_memberships:read"],
    public_metadata: { seat: "standard" },
    private_metadata: { internalNote: "MEMBERSHIP-PRIVATE" },
    created_at: createdAt,
    updated_at: createdAt,
    organization,
    public_user_data: {
      user_id: user.id,
      identifier: user.identifier ?? `member-${counter}@example.org`,
      first_name: user.first_name ?? null,
      last_name: user.last_name ?? null,
      image_url: user.image_url ?? "https://img.clerk.com/eyJ0eXBlIjoiZGVmYXVsdCJ9",
      has_image: false,
    },
    ...overrides,
  };
}
