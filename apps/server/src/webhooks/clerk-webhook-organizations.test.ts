import { clerkMembershipJson, clerkOrganizationJson, clerkUserJson } from "@repo/clerk/testing";
import { findMembershipById } from "@repo/db/memberships";
import { findOrganizationById, type Organization } from "@repo/db/organizations";
import { truncateAll, useTestDatabase } from "@repo/db/testing";
import { createInngestClient } from "@repo/inngest/client";
import {
  createTombstoneClerkMembershipFunction,
  createUpsertClerkMembershipFunction,
} from "@repo/inngest/sync/memberships";
import { createUpsertClerkOrganizationFunction } from "@repo/inngest/sync/organizations";
import { runFunction, silentLogger } from "@repo/inngest/testing";
import { describe, expect, it } from "vitest";
import { createTestClerkInstance } from "../testing/clerk-session.ts";
import { signClerkWebhook } from "../testing/clerk-webhooks.ts";
import { useInngestEventApiStub } from "../testing/inngest-stubs.ts";
import { useTestServer } from "../testing/use-test-server.ts";

const clerk = createTestClerkInstance();

/** What Clerk's whole objects carry that the sync never reads, and so must never reach Inngest. */
const UNREAD_SECRETS = [
  "cus_ORG_PRIVATE",
  "user_2creatorOfTheOrganization",
  "MEMBERSHIP-PRIVATE",
  "org:sys_memberships",
];

/** A row without the bookkeeping timestamps that say when it was written. */
function synced<T extends { synced_at: Date | null; created_at: Date; updated_at: Date }>(row: T | undefined) {
  if (!row) return undefined;
  const { synced_at, created_at, updated_at, ...rest } = row;
  return rest;
}

describe("POST /api/webhooks/clerk with organization and membership events", () => {
  const t = useTestDatabase("pglite");
  const inngestApi = useInngestEventApiStub();
  const server = useTestServer(() => ({ db: t.db, clerk, inngestBaseUrl: inngestApi.url }));
  const inngest = createInngestClient({ isDev: true, logger: silentLogger() });

  const post = (delivery: { headers: Record<string, string>; body: string }) =>
    fetch(`${server.url}/api/webhooks/clerk`, { method: "POST", headers: delivery.headers, body: delivery.body });

  /** Delivers one signed webhook, expects it forwarded, and returns the event Inngest received. */
  async function forward(type: string, data: unknown) {
    const delivery = signClerkWebhook({ type, data });
    const response = await post(delivery);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ forwarded: `clerk/${type}`, id: delivery.svixId });
    const event = inngestApi.events.at(-1);
    if (!event) throw new Error("no event reached the Inngest stand-in");
    expect(event).toMatchObject({ id: delivery.svixId, name: `clerk/${type}` });
    return event;
  }

  it("forwards all six types under their clerk/ names, with the svix id as the event id", async () => {
    const organization = clerkOrganizationJson();
    const membership = clerkMembershipJson(organization, clerkUserJson());
    for (const type of ["organization.created", "organization.updated"]) await forward(type, organization);
    await forward("organization.deleted", { id: organization.id, object: "organization", deleted: true });
    for (const type of ["created", "updated", "deleted"]) await forward(`organizationMembership.${type}`, membership);
    expect(inngestApi.events.map((event) => event.name)).toEqual([
      "clerk/organization.created",
      "clerk/organization.updated",
      "clerk/organization.deleted",
      "clerk/organizationMembership.created",
      "clerk/organizationMembership.updated",
      "clerk/organizationMembership.deleted",
    ]);
  });

  it("forwards only the organization fields the sync reads, and the forwarded event writes the same row as Clerk's whole organization", async () => {
    const organization = clerkOrganizationJson({ public_metadata: { tier: "enterprise" } });
    const event = await forward("organization.created", organization);
    expect(event.data).toEqual({
      id: organization.id,
      name: organization.name,
      slug: organization.slug,
      image_url: organization.image_url,
      public_metadata: { tier: "enterprise" },
      created_at: organization.created_at,
      updated_at: organization.updated_at,
    });

    const upsert = createUpsertClerkOrganizationFunction(inngest, { db: t.db });
    const rowFrom = async (data: Record<string, unknown>) => {
      await truncateAll(t.db);
      expect((await runFunction(upsert, { name: "clerk/organization.created", data })).error).toBeUndefined();
      return synced<Organization>(await findOrganizationById(t.db, organization.id));
    };
    const fromForwarded = await rowFrom(event.data);
    expect(fromForwarded).toMatchObject({ name: organization.name, public_metadata: { tier: "enterprise" } });
    expect(fromForwarded).toEqual(await rowFrom(organization));
  });

  it("forwards an organization.deleted as its id alone", async () => {
    const event = await forward("organization.deleted", {
      id: "org_2deletedOrganization",
      object: "organization",
      slug: "gone",
      deleted: true,
    });
    expect(event.data).toEqual({ id: "org_2deletedOrganization", deleted: true });
  });

  it.each(["created", "updated", "deleted"])(
    "forwards only the membership fields the sync reads for organizationMembership.%s, and they write what Clerk's whole membership writes",
    async (action) => {
      const organization = clerkOrganizationJson();
      const user = clerkUserJson({ first_name: "Grace", last_name: "Hopper" });
      const membership = clerkMembershipJson(
        organization,
        { ...user, identifier: "grace@example.org" },
        { role: "org:admin" },
      );
      const event = await forward(`organizationMembership.${action}`, membership);
      const sent = JSON.stringify(event);
      for (const secret of UNREAD_SECRETS) expect(sent).not.toContain(secret);
      expect(event.data).toEqual({
        id: membership.id,
        role: "org:admin",
        created_at: membership.created_at,
        updated_at: membership.updated_at,
        organization: {
          id: organization.id,
          name: organization.name,
          slug: organization.slug,
          image_url: organization.image_url,
          public_metadata: { tier: "team" },
          created_at: organization.created_at,
          updated_at: organization.updated_at,
        },
        public_user_data: {
          user_id: user.id,
          identifier: "grace@example.org",
          first_name: "Grace",
          last_name: "Hopper",
          image_url: user.image_url,
        },
      });

      const fn =
        action === "deleted"
          ? createTombstoneClerkMembershipFunction(inngest, { db: t.db })
          : createUpsertClerkMembershipFunction(inngest, { db: t.db });
      const rowsFrom = async (data: Record<string, unknown>) => {
        await truncateAll(t.db);
        const { error } = await runFunction(fn, { name: `clerk/organizationMembership.${action}`, data });
        expect(error).toBeUndefined();
        return {
          membership: synced(await findMembershipById(t.db, membership.id)),
          organization: synced(await findOrganizationById(t.db, organization.id)),
        };
      };
      const fromForwarded = await rowsFrom(event.data);
      expect(fromForwarded.organization).toMatchObject({ name: organization.name });
      const fromWhole = await rowsFrom(membership);
      // A tombstone's deletion time is when it was written: compare that it is one, not when.
      const withoutDeletionTime = (rows: typeof fromWhole) => ({
        ...rows,
        membership: rows.membership && { ...rows.membership, deleted_at: rows.membership.deleted_at !== null },
      });
      expect(withoutDeletionTime(fromForwarded)).toEqual(withoutDeletionTime(fromWhole));
    },
  );

  const invalidDeliveries: Array<[string, string, () => unknown, RegExp]> = [
    [
      "an organization without a name",
      "organization.created",
      () => ({ ...clerkOrganizationJson(), name: undefined }),
      /^Invalid organization\.created payload: name: /,
    ],
    [
      "a NUL in an organization's name",
      "organization.updated",
      () => clerkOrganizationJson({ name: "Engines\u0000" }),
      /name: contains a NUL character/,
    ],
    [
      "an organization.deleted without an id",
      "organization.deleted",
      () => ({ object: "organization", deleted: true }),
      /^Invalid organization\.deleted payload: id: /,
    ],
    [
      "a membership without public_user_data.user_id",
      "organizationMembership.created",
      () => ({
        ...clerkMembershipJson(clerkOrganizationJson(), clerkUserJson()),
        public_user_data: { identifier: "x" },
      }),
      /public_user_data\.user_id: /,
    ],
    [
      "a membership whose organization's metadata holds a lone surrogate",
      "organizationMembership.updated",
      () => clerkMembershipJson(clerkOrganizationJson({ public_metadata: { nick: "\ud800" } }), clerkUserJson()),
      /organization\.public_metadata\.nick: contains a lone UTF-16 surrogate/,
    ],
    [
      "a membership.deleted without its organization",
      "organizationMembership.deleted",
      () => ({ ...clerkMembershipJson(clerkOrganizationJson(), clerkUserJson()), organization: undefined }),
      /^Invalid organizationMembership\.deleted payload: organization: /,
    ],
  ];

  it.each(invalidDeliveries)(
    "refuses %s with 400 naming the field, and forwards nothing",
    async (_case, type, data, reason) => {
      const response = await post(signClerkWebhook({ type, data: data() }));
      const { error } = (await response.json()) as { error: string };
      expect(response.status, error).toBe(400);
      expect(error).toMatch(reason);
      expect(inngestApi.events).toEqual([]);
    },
  );
});
