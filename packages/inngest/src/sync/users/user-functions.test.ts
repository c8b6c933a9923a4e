import { randomBytes } from "node:crypto";
import { clerkUserJson } from "@repo/clerk/testing";
import { countUsers, testDatabaseKinds, useTestDatabase } from "@repo/db/testing";
import { findUserById } from "@repo/db/users";
import { beforeAll, describe, expect, it } from "vitest";
import { createInngestClient } from "../../client.ts";
import { outcomeOfOnly, runFunction, silentLogger } from "../../testing/run-function.ts";
import { createTombstoneClerkUserFunction, createUpsertClerkUserFunction } from "./user-functions.ts";

/** `{ a: { a: … 1 } }`, `depth` levels deep. */
function nestedObject(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = { a: 1 };
  for (let level = 1; level < depth; level++) value = { a: value };
  return value;
}

describe.each(testDatabaseKinds())("user sync functions on %s", (kind) => {
  const t = useTestDatabase(kind);
  const inngest = createInngestClient({ isDev: true, logger: silentLogger() });
  let upsert: ReturnType<typeof createUpsertClerkUserFunction>;
  let tombstone: ReturnType<typeof createTombstoneClerkUserFunction>;

  beforeAll(() => {
    upsert = createUpsertClerkUserFunction(inngest, { db: t.db });
    tombstone = createTombstoneClerkUserFunction(inngest, { db: t.db });
  });

  it("user.created writes the user", async () => {
    const user = clerkUserJson();
    const { result, error } = await runFunction(upsert, { name: "clerk/user.created", data: user });
    expect(error).toBeUndefined();
    expect(outcomeOfOnly(result)).toEqual({ id: user.id, outcome: "created" });
    expect(await findUserById(t.db, user.id)).toMatchObject({ email: user.email_addresses[1]?.email_address });
  });

  it("user.updated before user.created still creates the user, and the late create changes nothing", async () => {
    const created = clerkUserJson();
    const updated = { ...created, first_name: "Grace", updated_at: created.updated_at + 1000 };
    expect(
      outcomeOfOnly((await runFunction(upsert, { name: "clerk/user.updated", data: updated })).result),
    ).toMatchObject({
      outcome: "created",
    });
    expect(
      outcomeOfOnly((await runFunction(upsert, { name: "clerk/user.created", data: created })).result),
    ).toMatchObject({
      outcome: "unchanged",
    });
    expect((await findUserById(t.db, created.id))?.first_name).toBe("Grace");
  });

  it("user.deleted tombstones, and a later update does not bring the user back", async () => {
    const user = clerkUserJson();
    await runFunction(upsert, { name: "clerk/user.created", data: user });
    const deleted = await runFunction(tombstone, {
      name: "clerk/user.deleted",
      data: { id: user.id, object: "user", deleted: true },
    });
    expect(outcomeOfOnly(deleted.result)).toEqual({ id: user.id, outcome: "tombstoned" });
    await runFunction(upsert, { name: "clerk/user.updated", data: { ...user, updated_at: user.updated_at + 5 } });
    const row = await findUserById(t.db, user.id);
    expect(row?.deleted_at).toBeInstanceOf(Date);
    expect(row?.email).toBeNull();
  });

  it.each([
    ["missing id", { id: undefined }, /id/],
    ["missing updated_at", { updated_at: undefined }, /updated_at/],
    ["an email list without the primary", { email_addresses: [] }, /primary_email_address_id/],
    ["a number where a name belongs", { first_name: 42 }, /first_name/],
    ["email_addresses of the wrong type", { email_addresses: [{ id: 1 }] }, /email_addresses\.0/],
    // What Postgres cannot store would fail the write on every retry: refused by the event schema instead.
    ["a NUL in first_name", { first_name: "Ada\u0000" }, /first_name: contains a NUL character/],
    ["a lone surrogate in public_metadata", { public_metadata: { nick: "\udc00" } }, /public_metadata\.nick: contains/],
    ["public_metadata nested 10,000 levels deep", { public_metadata: nestedObject(10_000) }, /nested more than 64/],
    ["an updated_at after the year 9999", { updated_at: Date.UTC(10_000, 0, 1) }, /updated_at: Too big/],
    ["an id of 3,000 random characters", { id: randomBytes(2_250).toString("base64") }, /^id: is not a Clerk user id/],
  ])("a payload with %s is skipped, naming the field, and writes nothing", async (_case, override, field) => {
    const { result, error } = await runFunction(upsert, {
      name: "clerk/user.created",
      data: { ...clerkUserJson(), ...override },
    });
    expect(error).toBeUndefined();
    expect(outcomeOfOnly(result)).toEqual({ outcome: "skipped", reason: expect.stringMatching(field) });
    expect(await countUsers(t.db)).toBe(0);
  });

  it.each([
    ["without an id", undefined],
    ["whose id has a NUL", "user_\u0000"],
  ])("a delete %s is skipped and writes nothing", async (_case, id) => {
    const { result, error } = await runFunction(tombstone, {
      name: "clerk/user.deleted",
      data: { id, object: "user", deleted: true },
    });
    expect(error).toBeUndefined();
    expect(outcomeOfOnly(result)).toEqual({ outcome: "skipped", reason: expect.stringMatching(/^id:/) });
    expect(await countUsers(t.db)).toBe(0);
  });
});
