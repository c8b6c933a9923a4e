import type { ClerkMembershipJson } from "@repo/clerk/memberships";
import type { ClerkOrganizationJson } from "@repo/clerk/organizations";
import { clerkMembershipJson, clerkOrganizationJson, clerkUserJson } from "@repo/clerk/testing";
import type { ClerkUserJson } from "@repo/clerk/users";
import { findLiveMembers, findMembershipById } from "@repo/db/memberships";
import { findOrganizationById } from "@repo/db/organizations";
import { type TestDatabase, testDatabaseKinds, useTestDatabase } from "@repo/db/testing";
import type { User } from "@repo/db/users";
import { findUserById } from "@repo/db/users";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { createInngestClient } from "../client.ts";
import { type ClerkEvent, runBatch, silentLogger } from "../testing/run-function.ts";
import {
  createTombstoneClerkMembershipFunction,
  createUpsertClerkMembershipFunction,
} from "./memberships/membership-functions.ts";
import {
  createTombstoneClerkOrganizationFunction,
  createUpsertClerkOrganizationFunction,
} from "./organizations/organization-functions.ts";
import { createTombstoneClerkUserFunction, createUpsertClerkUserFunction } from "./users/user-functions.ts";

/**
 * How long one property may take. Each example runs every event through Inngest's own test engine
 * against a real database: the runs below take 3 to 7 s per property and database on a 2-core machine
 * with other work on it, and about 30 s when it is overloaded (load average 12), hence twice that.
 */
const PROPERTY_TIMEOUT_MS = 60_000;

/** The sizes Inngest's batches may take: up to 100 events (the default maxSize), often fewer. */
const batchSizesArb = fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 8 });

/** Cuts a delivery into consecutive batches of the given sizes, taken in turn until none is left. */
function inBatches<T>(delivery: readonly T[], sizes: readonly number[]): T[][] {
  const batches: T[][] = [];
  for (let start = 0, turn = 0; start < delivery.length; turn++) {
    const size = sizes[turn % sizes.length] ?? 1;
    batches.push(delivery.slice(start, start + size));
    start += size;
  }
  return batches;
}

/**
 * Delivers a batch of mixed events as Inngest would: each function runs once with the events of the
 * batch it is triggered by, in the order they came.
 */
async function deliverBatch(functionFor: (event: ClerkEvent) => Parameters<typeof runBatch>[0], batch: ClerkEvent[]) {
  const byFunction = new Map<Parameters<typeof runBatch>[0], ClerkEvent[]>();
  for (const event of batch) {
    const fn = functionFor(event);
    byFunction.set(fn, [...(byFunction.get(fn) ?? []), event]);
  }
  for (const [fn, events] of byFunction) {
    const { result, error } = await runBatch(fn, events);
    if (error) throw error;
    const skipped = (result as { outcomes: Array<{ outcome: string }> }).outcomes.filter(
      (o) => o.outcome === "skipped",
    );
    if (skipped.length > 0) throw new Error(`Events skipped: ${JSON.stringify(skipped)}`);
  }
}

/** One user's history as Clerk produces it: a create, updates with rising updated_at, maybe a delete. */
const historyArb = fc
  .record({
    updates: fc.array(
      fc.record({
        gapMs: fc.integer({ min: 1, max: 60_000 }),
        first_name: fc.option(fc.string({ maxLength: 12 }), { nil: null }),
        username: fc.option(fc.stringMatching(/^[a-z0-9_]{1,12}$/), { nil: null }),
        plan: fc.constantFrom("free", "pro", "team"),
      }),
      { maxLength: 5 },
    ),
    deleted: fc.boolean(),
  })
  .map(({ updates, deleted }) => {
    const created = clerkUserJson();
    const events: Array<{ kind: "created" | "updated"; user: typeof created } | { kind: "deleted" }> = [
      { kind: "created", user: created },
    ];
    let current = created;
    for (const update of updates) {
      current = {
        ...current,
        first_name: update.first_name,
        username: update.username,
        public_metadata: { plan: update.plan },
        updated_at: current.updated_at + update.gapMs,
      };
      events.push({ kind: "updated", user: current });
    }
    if (deleted) events.push({ kind: "deleted" });
    return events;
  });

/**
 * A history, and a delivery of it: every event at least once, some twice or more, in any order, in
 * batches of any size.
 */
const deliveryArb = historyArb.chain((history) =>
  fc
    .array(fc.nat({ max: history.length - 1 }), { maxLength: 4 })
    .chain((duplicates) => {
      const all = [...history, ...duplicates.map((i) => history[i] as (typeof history)[number])];
      return fc.tuple(fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length }), batchSizesArb);
    })
    .map(([delivery, sizes]) => ({ history, batches: inBatches(delivery, sizes) })),
);

type HistoryEvent = (typeof historyArb extends fc.Arbitrary<infer T> ? T : never)[number];

/** The row a user of this app would see, without the bookkeeping timestamps that say when we wrote it. */
function observable(row: User | undefined) {
  if (!row) return undefined;
  const { created_at, updated_at, synced_at, deleted_at, id, ...rest } = row;
  return { ...rest, deleted: deleted_at !== null };
}

describe.each(testDatabaseKinds())("sync under any delivery order on %s", (kind) => {
  const t = useTestDatabase(kind);
  const inngest = createInngestClient({ isDev: true, logger: silentLogger() });
  let deliver: (userId: string, batch: readonly HistoryEvent[]) => Promise<void>;

  beforeAll(() => {
    const upsert = createUpsertClerkUserFunction(inngest, { db: t.db });
    const tombstone = createTombstoneClerkUserFunction(inngest, { db: t.db });
    const clerkEventOf = (userId: string, event: HistoryEvent): ClerkEvent =>
      event.kind === "deleted"
        ? { name: "clerk/user.deleted", data: { id: userId, object: "user", deleted: true } }
        : { name: `clerk/user.${event.kind}`, data: { ...event.user, id: userId } };
    deliver = (userId, batch) =>
      deliverBatch(
        (event) => (event.name === "clerk/user.deleted" ? tombstone : upsert),
        batch.map((event) => clerkEventOf(userId, event)),
      );
  });

  it(
    "ends in the state in-order delivery gives, duplicates and all",
    async () => {
      let run = 0;
      await fc.assert(
        fc.asyncProperty(deliveryArb, async ({ history, batches }) => {
          run += 1;
          // Two ids for the same history: one receives it in order, one event a run, the other as the
          // network delivers it, in batches.
          const inOrderId = `user_inOrder${run}`;
          const shuffledId = `user_shuffled${run}`;
          for (const event of history) await deliver(inOrderId, [event]);
          for (const batch of batches) await deliver(shuffledId, batch);
          const expected = observable(await findUserById(t.db, inOrderId));
          expect(expected).toBeDefined();
          expect(observable(await findUserById(t.db, shuffledId))).toEqual(expected);
        }),
        { numRuns: 150 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});

/**
 * A mixed history as Clerk produces it, for two users and two organizations: creates first, then
 * steps chosen by the generator among what Clerk could do next (a member added, promoted, removed and
 * added again under a new membership id; renames; an organization or a user deleted). Each event is
 * a function of a namespace, so one history can be delivered several times, to separate ids.
 */
type Namespaced = (ns: string) => ClerkEvent;
type World = {
  clock: number;
  users: Map<string, ClerkUserJson & { deleted?: boolean }>;
  organizations: Map<string, ClerkOrganizationJson & { deleted?: boolean }>;
  memberships: Map<string, ClerkMembershipJson & { ended?: boolean }>;
  nextMembership: number;
};

// Ids in Clerk's shape (letters and digits after the prefix); "X" keeps the namespace and the key apart.
const userId = (ns: string, key: string) => `user_${ns}X${key}`;
const organizationId = (ns: string, key: string) => `org_${ns}X${key}`;
const membershipId = (ns: string, key: string) => `orgmem_${ns}X${key}`;

function organizationIn(ns: string, key: string, organization: ClerkOrganizationJson): ClerkOrganizationJson {
  return { ...organization, id: organizationId(ns, key) };
}

function membershipIn(ns: string, key: string, membership: ClerkMembershipJson): ClerkMembershipJson {
  const [organizationKey, userKey] = [membership.organization.id, membership.public_user_data.user_id];
  return {
    ...membership,
    id: membershipId(ns, key),
    organization: organizationIn(ns, organizationKey, membership.organization),
    public_user_data: { ...membership.public_user_data, user_id: userId(ns, userKey) },
  };
}

/** The events of one step, or none when the step is not possible in this world. */
type Step = (world: World, gapMs: number) => Namespaced[];

const USERS = ["u1", "u2"];
const ORGANIZATIONS = ["o1", "o2"];

function liveMembershipOf(world: World, organizationKey: string, userKey: string) {
  for (const [key, membership] of world.memberships) {
    const isPair = membership.organization.id === organizationKey && membership.public_user_data.user_id === userKey;
    if (isPair && !membership.ended) return { key, membership };
  }
  return undefined;
}

function membershipEvent(
  action: "created" | "updated" | "deleted",
  key: string,
  snapshot: ClerkMembershipJson,
): Namespaced {
  return (ns) => ({ name: `clerk/organizationMembership.${action}`, data: membershipIn(ns, key, snapshot) });
}

/** A member added (or added again, under a new membership id). */
function addMember(world: World, o: string, u: string, gap: number): Namespaced[] {
  const organization = world.organizations.get(o);
  const user = world.users.get(u);
  if (!organization || organization.deleted || !user || user.deleted || liveMembershipOf(world, o, u)) return [];
  world.clock += gap;
  const key = `m${world.nextMembership++}`;
  const timestamps = { created_at: world.clock, updated_at: world.clock };
  const membership = clerkMembershipJson(
    organization,
    { ...user, id: u },
    { id: key, role: "org:member", ...timestamps },
  );
  world.memberships.set(key, membership);
  return [membershipEvent("created", key, membership)];
}

/** A member removed: Clerk's delete carries the whole membership, with its last update's updated_at. */
function removeMember(world: World, o: string, u: string): Namespaced[] {
  const live = liveMembershipOf(world, o, u);
  const organization = world.organizations.get(o);
  if (!live || !organization) return [];
  world.memberships.set(live.key, { ...live.membership, ended: true });
  return [membershipEvent("deleted", live.key, { ...live.membership, organization })];
}

const steps: Step[] = [
  ...ORGANIZATIONS.flatMap((o) =>
    USERS.flatMap((u): Step[] => [
      (world, gap) => addMember(world, o, u, gap),
      // Promoted or demoted. Clerk embeds the organization and the member as they are now.
      (world, gap) => {
        const live = liveMembershipOf(world, o, u);
        const organization = world.organizations.get(o);
        const user = world.users.get(u);
        if (!live || !organization || !user) return [];
        world.clock += gap;
        const role = live.membership.role === "org:admin" ? "org:member" : "org:admin";
        const public_user_data = { ...live.membership.public_user_data, first_name: user.first_name };
        const updated = { ...live.membership, role, organization, public_user_data, updated_at: world.clock };
        world.memberships.set(live.key, updated);
        return [membershipEvent("updated", live.key, updated)];
      },
      (world) => removeMember(world, o, u),
      // Removed and added again at once: the new membership's create often overtakes the old one's delete.
      (world, gap) => {
        const removed = removeMember(world, o, u);
        return removed.length > 0 ? [...removed, ...addMember(world, o, u, gap)] : [];
      },
    ]),
  ),
  // An organization renamed, or deleted (its memberships end with it).
  ...ORGANIZATIONS.flatMap((o): Step[] => [
    (world, gap) => {
      const organization = world.organizations.get(o);
      if (!organization || organization.deleted) return [];
      world.clock += gap;
      const renamed = { ...organization, name: `${organization.name}+`, updated_at: world.clock };
      world.organizations.set(o, renamed);
      return [(ns) => ({ name: "clerk/organization.updated", data: organizationIn(ns, o, renamed) })];
    },
    (world) => {
      const organization = world.organizations.get(o);
      if (!organization || organization.deleted) return [];
      world.organizations.set(o, { ...organization, deleted: true });
      for (const [key, membership] of world.memberships) {
        if (membership.organization.id === o) world.memberships.set(key, { ...membership, ended: true });
      }
      return [
        (ns) => ({
          name: "clerk/organization.deleted",
          data: { id: organizationId(ns, o), object: "organization", deleted: true },
        }),
      ];
    },
  ]),
  // A user renamed, or deleted (their memberships end with them).
  ...USERS.flatMap((u): Step[] => [
    (world, gap) => {
      const user = world.users.get(u);
      if (!user || user.deleted) return [];
      world.clock += gap;
      const renamed = { ...user, first_name: `${user.first_name ?? ""}+`, updated_at: world.clock };
      world.users.set(u, renamed);
      return [(ns) => ({ name: "clerk/user.updated", data: { ...renamed, id: userId(ns, u) } })];
    },
    (world) => {
      const user = world.users.get(u);
      if (!user || user.deleted) return [];
      world.users.set(u, { ...user, deleted: true });
      for (const [key, membership] of world.memberships) {
        if (membership.public_user_data.user_id === u) world.memberships.set(key, { ...membership, ended: true });
      }
      return [(ns) => ({ name: "clerk/user.deleted", data: { id: userId(ns, u), object: "user", deleted: true } })];
    },
  ]),
];

/** The history: every user and organization created, then up to 14 steps Clerk could take. */
const mixedHistoryArb = fc
  .array(fc.record({ step: fc.nat({ max: steps.length - 1 }), gapMs: fc.integer({ min: 1, max: 60_000 }) }), {
    maxLength: 14,
  })
  .map((choices) => {
    const world: World = {
      clock: 1_767_225_600_000,
      users: new Map(),
      organizations: new Map(),
      memberships: new Map(),
      nextMembership: 1,
    };
    const history: Namespaced[] = [];
    for (const u of USERS) {
      world.clock += 1000;
      const user = clerkUserJson({ id: u, first_name: u, created_at: world.clock, updated_at: world.clock });
      world.users.set(u, user);
      history.push((ns) => ({ name: "clerk/user.created", data: { ...user, id: userId(ns, u) } }));
    }
    for (const o of ORGANIZATIONS) {
      world.clock += 1000;
      const organization = clerkOrganizationJson({ id: o, name: o, created_at: world.clock, updated_at: world.clock });
      world.organizations.set(o, organization);
      history.push((ns) => ({ name: "clerk/organization.created", data: organizationIn(ns, o, organization) }));
    }
    for (const { step, gapMs } of choices) {
      // The chosen step, or the next one that is possible in this world.
      for (let tried = 0; tried < steps.length; tried++) {
        const events = steps[(step + tried) % steps.length]?.(world, gapMs) ?? [];
        if (events.length > 0) {
          history.push(...events);
          break;
        }
      }
    }
    return { history, membershipKeys: [...world.memberships.keys()] };
  });

/**
 * A mixed history and a delivery of it: every event at least once, some twice or more, in any order, in
 * batches of any size that mix the kinds.
 */
const mixedDeliveryArb = mixedHistoryArb.chain(({ history, membershipKeys }) =>
  fc
    .array(fc.nat({ max: history.length - 1 }), { maxLength: 6 })
    .chain((duplicates) => {
      const all = [...history, ...duplicates.map((i) => history[i] as Namespaced)];
      return fc.tuple(fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length }), batchSizesArb);
    })
    .map(([delivery, sizes]) => ({ history, batches: inBatches(delivery, sizes), membershipKeys })),
);

/** Every row of the namespace in all three tables, and each organization's live members, without bookkeeping. */
async function observableState(db: TestDatabase["db"], ns: string, membershipKeys: readonly string[]) {
  const withoutBookkeeping = <
    T extends { synced_at: Date | null; created_at: Date; updated_at: Date; deleted_at: Date | null },
  >(
    row: T | undefined,
  ) => {
    if (!row) return undefined;
    const { synced_at, created_at, updated_at, deleted_at, ...rest } = row;
    return { ...rest, deleted: deleted_at !== null };
  };
  const state = {
    users: await Promise.all(USERS.map(async (u) => withoutBookkeeping(await findUserById(db, userId(ns, u))))),
    organizations: await Promise.all(
      ORGANIZATIONS.map(async (o) => withoutBookkeeping(await findOrganizationById(db, organizationId(ns, o)))),
    ),
    memberships: await Promise.all(
      membershipKeys.map(async (m) => withoutBookkeeping(await findMembershipById(db, membershipId(ns, m)))),
    ),
    members: await Promise.all(ORGANIZATIONS.map((o) => findLiveMembers(db, organizationId(ns, o)))),
  };
  // The same state under another namespace reads the same.
  return JSON.parse(JSON.stringify(state).replaceAll(ns, "NS"));
}

describe.each(testDatabaseKinds())("users, organizations and memberships under any delivery order on %s", (kind) => {
  const t = useTestDatabase(kind);
  const inngest = createInngestClient({ isDev: true, logger: silentLogger() });
  let deliver: (batch: ClerkEvent[]) => Promise<void>;

  beforeAll(() => {
    const deps = { db: t.db };
    const functionFor: Record<string, Parameters<typeof runBatch>[0]> = {
      "clerk/user.created": createUpsertClerkUserFunction(inngest, deps),
      "clerk/user.deleted": createTombstoneClerkUserFunction(inngest, deps),
      "clerk/organization.created": createUpsertClerkOrganizationFunction(inngest, deps),
      "clerk/organization.deleted": createTombstoneClerkOrganizationFunction(inngest, deps),
      "clerk/organizationMembership.created": createUpsertClerkMembershipFunction(inngest, deps),
      "clerk/organizationMembership.deleted": createTombstoneClerkMembershipFunction(inngest, deps),
    };
    deliver = (batch) =>
      deliverBatch((event) => {
        const fn = functionFor[event.name.replace(".updated", ".created")];
        if (!fn) throw new Error(`No function for ${event.name}`);
        return fn;
      }, batch);
  });

  it(
    "ends with all three tables as in-order delivery leaves them, duplicates and all",
    async () => {
      let run = 0;
      await fc.assert(
        fc.asyncProperty(mixedDeliveryArb, async ({ history, batches, membershipKeys }) => {
          run += 1;
          // Four namespaces for the same history: one receives it in order, one event a run; one as the
          // network delivers it, in batches; one backwards, one event a run (every later event first: a
          // new membership always overtakes the old one's delete); and one all in a single batch.
          const [inOrder, shuffled, backwards, together] = [`r${run}i`, `r${run}s`, `r${run}b`, `r${run}t`];
          for (const event of history) await deliver([event(inOrder)]);
          for (const batch of batches) await deliver(batch.map((event) => event(shuffled)));
          for (const event of [...history].reverse()) await deliver([event(backwards)]);
          await deliver(history.map((event) => event(together)));
          const expected = await observableState(t.db, inOrder, membershipKeys);
          expect(await observableState(t.db, shuffled, membershipKeys)).toEqual(expected);
          expect(await observableState(t.db, backwards, membershipKeys)).toEqual(expected);
          expect(await observableState(t.db, together, membershipKeys)).toEqual(expected);
        }),
        { numRuns: 30 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});
