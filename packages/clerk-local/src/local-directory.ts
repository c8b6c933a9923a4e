import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import type { ClerkMembershipJson } from "@repo/clerk/memberships";
import type { ClerkOrganizationJson } from "@repo/clerk/organizations";
import type { ClerkApiStub } from "@repo/clerk/testing/api-stub";
import { clerkMembershipJson, clerkOrganizationJson, clerkUserJson } from "@repo/clerk/testing/fixtures";
import type { ClerkUserJson } from "@repo/clerk/users";

/** A webhook as Clerk sends it (before Svix signs it): its type and the Clerk object. */
export type ClerkEvent = { type: string; data: unknown };

/**
 * The stand-in's people and organizations, and what a developer can do to them from the local dashboard
 * or the sign-in dialog. They live in the Backend API stub's maps (so `user.me`'s lookup and the
 * reconciliation read exactly this), are saved to a file after each change (so a restart of `pnpm dev`
 * keeps them), and every change is reported as the webhooks Clerk would send for it.
 */
export type LocalDirectory = {
  users(): ClerkUserJson[];
  organizations(): ClerkOrganizationJson[];
  /** The user's memberships, each with the organization as it is now. */
  membershipsOf(userId: string): ClerkMembershipJson[];
  userExists(userId: string): boolean;
  signUp(name: PersonName): ClerkUserJson;
  rename(userId: string, name: PersonName): void;
  deleteUser(userId: string): void;
  addMember(organizationId: string, userId: string, role: MemberRole): void;
};

export type PersonName = { firstName: string; lastName: string };
export type MemberRole = "org:admin" | "org:member";

/** A name as Clerk would store it: trimmed, not empty, at most 80 characters; otherwise what is wrong. */
export function checkPersonName(firstName: string, lastName: string): PersonName | string {
  const name = { firstName: firstName.trim(), lastName: lastName.trim() };
  if (!name.firstName) return "First name is required";
  if (name.firstName.length > 80 || name.lastName.length > 80) return "Names are at most 80 characters";
  return name;
}

const SEED_EPOCH = Date.UTC(2026, 0, 1);

/**
 * Who is there on first run: an admin, a member of two organizations, and someone in none; the first
 * two organizations they belong to. Fixed ids, so a fresh clone always meets the same people.
 */
const SEED_PEOPLE = [
  { id: "user_2LocalAdaLovelace0000000000", firstName: "Ada", lastName: "Lovelace" },
  { id: "user_2LocalGraceHopper0000000000", firstName: "Grace", lastName: "Hopper" },
  { id: "user_2LocalAlanTuring00000000000", firstName: "Alan", lastName: "Turing" },
] as const;
const SEED_ORGANIZATIONS = [
  { id: "org_2LocalAnalyticalEngines00000", name: "Analytical Engines", slug: "analytical-engines" },
  { id: "org_2LocalBletchleyPark000000000", name: "Bletchley Park", slug: "bletchley-park" },
] as const;
const SEED_MEMBERSHIPS: [organization: number, person: number, role: MemberRole][] = [
  [0, 0, "org:admin"],
  [0, 1, "org:member"],
  [1, 1, "org:member"],
  [1, 2, "org:admin"],
];

export function createLocalDirectory(
  stub: ClerkApiStub,
  options: { statePath: string; onEvents(events: ClerkEvent[]): void },
): LocalDirectory {
  // Saved straight away: the seeded memberships' ids are random, and must stay what the app has synced.
  if (!loadState(stub, options.statePath)) {
    seed(stub);
    saveState(stub, options.statePath);
  }
  const changed = (events: ClerkEvent[]) => {
    saveState(stub, options.statePath);
    options.onEvents(events);
  };
  const userOf = (userId: string) => {
    const user = stub.users.get(userId);
    if (!user) throw new LocalDirectoryError(`No user ${userId}`);
    return user;
  };
  const membershipsOf = (userId: string) =>
    [...stub.memberships.values()]
      .filter((m) => m.public_user_data.user_id === userId)
      .flatMap((m) => {
        const organization = stub.organizations.get(m.organization.id);
        return organization ? [{ ...m, organization }] : [];
      });

  return {
    users: () => [...stub.users.values()].sort((a, b) => a.created_at - b.created_at),
    organizations: () => [...stub.organizations.values()].sort((a, b) => a.created_at - b.created_at),
    membershipsOf,
    userExists: (userId) => stub.users.has(userId),
    signUp(name) {
      const user = localUser({ id: newId("user"), ...name }, Date.now());
      stub.users.set(user.id, user);
      changed([{ type: "user.created", data: user }]);
      return user;
    },
    rename(userId, name) {
      const user = { ...userOf(userId), first_name: name.firstName, last_name: name.lastName, updated_at: Date.now() };
      stub.users.set(userId, user);
      const events: ClerkEvent[] = [{ type: "user.updated", data: user }];
      // Clerk copies the name into each membership's public_user_data, and says so.
      for (const membership of membershipsOf(userId)) {
        const updated = withPublicUserData(membership, user, Date.now());
        stub.memberships.set(updated.id, updated);
        events.push({ type: "organizationMembership.updated", data: updated });
      }
      changed(events);
    },
    deleteUser(userId) {
      userOf(userId);
      const memberships = membershipsOf(userId);
      stub.users.delete(userId);
      for (const membership of memberships) stub.memberships.delete(membership.id);
      // Clerk ends the memberships of a deleted user too, each with its own webhook.
      changed([
        { type: "user.deleted", data: { id: userId, object: "user", deleted: true } },
        ...memberships.map((data) => ({ type: "organizationMembership.deleted", data })),
      ]);
    },
    addMember(organizationId, userId, role) {
      const organization = stub.organizations.get(organizationId);
      if (!organization) throw new LocalDirectoryError(`No organization ${organizationId}`);
      const user = userOf(userId);
      if (membershipsOf(userId).some((m) => m.organization.id === organizationId))
        throw new LocalDirectoryError(`${user.first_name} is already a member of ${organization.name}`);
      const membership = localMembership(organization, user, role, Date.now());
      stub.memberships.set(membership.id, membership);
      changed([{ type: "organizationMembership.created", data: membership }]);
    },
  };
}

/** A change the directory refused (no such user, already a member): the dashboard shows the message. */
export class LocalDirectoryError extends Error {
  override name = "LocalDirectoryError";
}

function seed(stub: ClerkApiStub) {
  const users = SEED_PEOPLE.map((person, index) => localUser(person, SEED_EPOCH + index * 1000));
  const organizations = SEED_ORGANIZATIONS.map((organization, index) =>
    clerkOrganizationJson({
      ...organization,
      image_url: null,
      has_image: false,
      public_metadata: {},
      private_metadata: {},
      created_by: users[0]?.id ?? null,
      created_at: SEED_EPOCH + index * 1000,
      updated_at: SEED_EPOCH + index * 1000,
    }),
  );
  for (const user of users) stub.users.set(user.id, user);
  for (const organization of organizations) stub.organizations.set(organization.id, organization);
  for (const [organizationIndex, personIndex, role] of SEED_MEMBERSHIPS) {
    const [organization, user] = [organizations[organizationIndex], users[personIndex]];
    if (!organization || !user) continue;
    const membership = localMembership(organization, user, role, SEED_EPOCH);
    stub.memberships.set(membership.id, membership);
  }
}

/** A user as Clerk's Backend API answers, with one verified address made from the name. */
function localUser(person: { id: string } & PersonName, at: number): ClerkUserJson {
  const emailId = newId("idn");
  const local = `${person.firstName}.${person.lastName}`.toLowerCase().replace(/[^a-z0-9.]+/g, "") || "someone";
  const user = clerkUserJson({
    id: person.id,
    username: null,
    first_name: person.firstName,
    last_name: person.lastName || null,
    image_url: null,
    primary_email_address_id: emailId,
    public_metadata: {},
    created_at: at,
    updated_at: at,
    last_active_at: at,
  });
  const [, primary] = user.email_addresses;
  return {
    ...user,
    email_addresses: primary ? [{ ...primary, id: emailId, email_address: `${local}@example.com` }] : [],
  };
}

function localMembership(
  organization: ClerkOrganizationJson,
  user: ClerkUserJson,
  role: MemberRole,
  at: number,
): ClerkMembershipJson {
  const membership = clerkMembershipJson(
    organization,
    { ...user, identifier: user.email_addresses[0]?.email_address ?? user.id },
    {
      id: newId("orgmem"),
      role,
      role_name: role === "org:admin" ? "Admin" : "Member",
      public_metadata: {},
      private_metadata: {},
      created_at: at,
      updated_at: at,
    },
  );
  return withPublicUserData(membership, user, at);
}

function withPublicUserData(membership: ClerkMembershipJson, user: ClerkUserJson, at: number): ClerkMembershipJson {
  return {
    ...membership,
    updated_at: at,
    public_user_data: {
      ...membership.public_user_data,
      first_name: user.first_name ?? null,
      last_name: user.last_name ?? null,
      image_url: null,
      has_image: false,
    },
  };
}

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** An id in Clerk's shape: the kind's prefix, then 27 letters and digits. */
export function newId(prefix: string): string {
  const body = [...randomBytes(27)].map((byte) => BASE62[byte % 62]).join("");
  return `${prefix}_${body}`;
}

type SavedState = {
  users: ClerkUserJson[];
  organizations: ClerkOrganizationJson[];
  memberships: ClerkMembershipJson[];
};

/** Loads the saved directory into the stub; false when there is none yet (first run). */
function loadState(stub: ClerkApiStub, path: string): boolean {
  if (!existsSync(path)) return false;
  // Written only by saveState below: a file that does not read back is started over from the seed.
  let state: SavedState;
  try {
    state = JSON.parse(readFileSync(path, "utf8")) as SavedState;
  } catch {
    return false;
  }
  for (const user of state.users ?? []) stub.users.set(user.id, user);
  for (const organization of state.organizations ?? []) stub.organizations.set(organization.id, organization);
  for (const membership of state.memberships ?? []) stub.memberships.set(membership.id, membership);
  return true;
}

function saveState(stub: ClerkApiStub, path: string) {
  const state: SavedState = {
    users: [...stub.users.values()],
    organizations: [...stub.organizations.values()],
    memberships: [...stub.memberships.values()],
  };
  writeFileSync(path, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
}
