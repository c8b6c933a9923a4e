import { randomBytes } from "node:crypto";
import { clerkOrganizationJson } from "@repo/clerk/testing";
import { findOrganizationById } from "@repo/db/organizations";
import { testDatabaseKinds, useTestDatabase } from "@repo/db/testing";
import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { createInngestClient } from "../../client.ts";
import { outcomeOfOnly, runFunction, silentLogger } from "../../testing/run-function.ts";
import {
  createTombstoneClerkOrganizationFunction,
  createUpsertClerkOrganizationFunction,
} from "./organization-functions.ts";

describe.each(testDatabaseKinds())("organization sync functions on %s", (kind) => {
  const t = useTestDatabase(kind);
  const inngest = createInngestClient({ isDev: true, logger: silentLogger() });
  let upsert: ReturnType<typeof createUpsertClerkOrganizationFunction>;
  let tombstone: ReturnType<typeof createTombstoneClerkOrganizationFunction>;

  beforeAll(() => {
    upsert = createUpsertClerkOrganizationFunction(inngest, { db: t.db });
    tombstone = createTombstoneClerkOrganizationFunction(inngest, { db: t.db });
  });

  const countOrganizations = async () =>
    (await sql<{ n: number }>`select count(*)::int as n from organizations`.execute(t.db)).rows[0]?.n;

  it("organization.created writes the organization", async () => {
    const organization = clerkOrganizationJson();
    const { result, error } = await runFunction(upsert, { name: "clerk/organization.created", data: organization });
    expect(error).toBeUndefined();
    expect(outcomeOfOnly(result)).toEqual({ id: organization.id, outcome: "created" });
    expect(await findOrganizationById(t.db, organization.id)).toMatchObject({
      name: organization.name,
      slug: organization.slug,
      public_metadata: { tier: "team" },
    });
  });

  it("organization.updated before organization.created still creates it, and the late create changes nothing", async () => {
    const created = clerkOrganizationJson();
    const updated = { ...created, name: "Difference Engines", updated_at: created.updated_at + 1000 };
    const early = await runFunction(upsert, { name: "clerk/organization.updated", data: updated });
    expect(outcomeOfOnly(early.result)).toMatchObject({ outcome: "created" });
    const late = await runFunction(upsert, { name: "clerk/organization.created", data: created });
    expect(outcomeOfOnly(late.result)).toMatchObject({ outcome: "unchanged" });
    expect((await findOrganizationById(t.db, created.id))?.name).toBe("Difference Engines");
  });

  it("organization.deleted tombstones, and a later update does not bring it back", async () => {
    const organization = clerkOrganizationJson();
    await runFunction(upsert, { name: "clerk/organization.created", data: organization });
    const deleted = await runFunction(tombstone, {
      name: "clerk/organization.deleted",
      data: { id: organization.id, object: "organization", deleted: true },
    });
    expect(outcomeOfOnly(deleted.result)).toEqual({ id: organization.id, outcome: "tombstoned" });
    await runFunction(upsert, {
      name: "clerk/organization.updated",
      data: { ...organization, updated_at: organization.updated_at + 5 },
    });
    expect(await findOrganizationById(t.db, organization.id)).toMatchObject({
      name: null,
      deleted_at: expect.any(Date),
    });
  });

  it.each([
    ["missing id", { id: undefined }, /^id:/],
    ["missing updated_at", { updated_at: undefined }, /updated_at/],
    ["a number where the name belongs", { name: 42 }, /name/],
    ["a NUL in the name", { name: "Engines\u0000" }, /name: contains a NUL character/],
    ["a lone surrogate in public_metadata", { public_metadata: { nick: "\udc00" } }, /public_metadata\.nick: contains/],
    ["an updated_at after the year 9999", { updated_at: Date.UTC(10_000, 0, 1) }, /updated_at: Too big/],
    [
      "an id of 3,000 random characters",
      { id: randomBytes(2_250).toString("base64") },
      /^id: is not a Clerk organization id/,
    ],
  ])("a payload with %s is skipped, naming the field, and writes nothing", async (_case, override, field) => {
    const { result, error } = await runFunction(upsert, {
      name: "clerk/organization.created",
      data: { ...clerkOrganizationJson(), ...override },
    });
    expect(error).toBeUndefined();
    expect(outcomeOfOnly(result)).toEqual({ outcome: "skipped", reason: expect.stringMatching(field) });
    expect(await countOrganizations()).toBe(0);
  });

  it.each([
    ["without an id", { object: "organization", deleted: true }],
    ["whose id has a NUL", { id: "org_\u0000", object: "organization", deleted: true }],
  ])("a delete %s is skipped and writes nothing", async (_case, data) => {
    const { result, error } = await runFunction(tombstone, { name: "clerk/organization.deleted", data });
    expect(error).toBeUndefined();
    expect(outcomeOfOnly(result)).toEqual({ outcome: "skipped", reason: expect.stringMatching(/^id:/) });
    expect(await countOrganizations()).toBe(0);
  });
});
