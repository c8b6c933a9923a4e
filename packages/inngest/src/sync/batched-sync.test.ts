import { clerkMembershipJson, clerkOrganizationJson, clerkUserJson } from "@repo/clerk/testing";
import { findLiveMembers } from "@repo/db/memberships";
import { countUsers, testDatabaseKinds, useTestDatabase } from "@repo/db/testing";
import { findUserById } from "@repo/db/users";
import { sql } from "kysely";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { createInngestClient } from "../client.ts";
import { runBatch } from "../testing/run-function.ts";
import { createUpsertClerkMembershipFunction } from "./memberships/membership-functions.ts";
import { createTombstoneClerkUserFunction, createUpsertClerkUserFunction } from "./users/user-functions.ts";

/** A logger that keeps what the functions warn about. */
function recordingLogger() {
  const warnings: unknown[][] = [];
  const noop = () => {};
  return {
    warnings,
    logger: { info: noop, error: noop, debug: noop, warn: (...args: unknown[]) => warnings.push(args) },
  };
}

describe.each(testDatabaseKinds())("one bad event in a batch on %s", (kind) => {
  const t = useTestDatabase(kind);
  const { warnings, logger } = recordingLogger();
  const inngest = createInngestClient({ isDev: true, logger });
  let upsertUsers: ReturnType<typeof createUpsertClerkUserFunction>;
  let tombstoneUsers: ReturnType<typeof createTombstoneClerkUserFunction>;
  let upsertMemberships: ReturnType<typeof createUpsertClerkMembershipFunction>;
  const cleanups: Array<() => Promise<unknown>> = [];

  beforeAll(() => {
    upsertUsers = createUpsertClerkUserFunction(inngest, { db: t.db });
    tombstoneUsers = createTombstoneClerkUserFunction(inngest, { db: t.db });
    upsertMemberships = createUpsertClerkMembershipFunction(inngest, { db: t.db });
  });
  afterEach(async () => {
    warnings.length = 0;
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it("a user's events in one batch: the newest is written, the older and repeated ones change nothing", async () => {
    const created = clerkUserJson();
    const updated = { ...created, first_name: "Grace", updated_at: created.updated_at + 1_000 };
    const upserted = await runBatch(upsertUsers, [
      { id: "evt_updated", name: "clerk/user.updated", data: updated },
      { id: "evt_created", name: "clerk/user.created", data: created },
      { id: "evt_updated_again", name: "clerk/user.updated", data: updated },
    ]);
    expect(upserted.result).toEqual({
      outcomes: [
        { eventId: "evt_updated", id: created.id, outcome: "created" },
        { eventId: "evt_created", id: created.id, outcome: "unchanged" },
        { eventId: "evt_updated_again", id: created.id, outcome: "unchanged" },
      ],
    });
    expect((await findUserById(t.db, created.id))?.first_name).toBe("Grace");
    const deleted = { id: created.id, object: "user", deleted: true };
    const tombstoned = await runBatch(tombstoneUsers, [
      { id: "evt_deleted", name: "clerk/user.deleted", data: deleted },
      { id: "evt_deleted_again", name: "clerk/user.deleted", data: deleted },
    ]);
    expect(tombstoned.result).toEqual({
      outcomes: [
        { eventId: "evt_deleted", id: created.id, outcome: "tombstoned" },
        { eventId: "evt_deleted_again", id: created.id, outcome: "unchanged" },
      ],
    });
    expect((await findUserById(t.db, created.id))?.deleted_at).toBeInstanceOf(Date);
  });

  it("an event that fails its parser is skipped and named in the log; its batch-mates are written", async () => {
    const [first, second] = [clerkUserJson(), clerkUserJson()];
    const poisoned = clerkUserJson({ first_name: "Ada\u0000" });
    const { result, error } = await runBatch(upsertUsers, [
      { id: "evt_first", name: "clerk/user.created", data: first },
      { id: "evt_poisoned", name: "clerk/user.created", data: poisoned },
      { id: "evt_second", name: "clerk/user.updated", data: second },
    ]);
    expect(error).toBeUndefined();
    expect(result).toEqual({
      outcomes: [
        { eventId: "evt_first", id: first.id, outcome: "created" },
        { eventId: "evt_poisoned", outcome: "skipped", reason: expect.stringMatching(/^first_name: contains a NUL/) },
        { eventId: "evt_second", id: second.id, outcome: "created" },
      ],
    });
    expect(await countUsers(t.db)).toBe(2);
    expect(await findUserById(t.db, poisoned.id)).toBeUndefined();
    expect(warnings).toEqual([
      [
        {
          eventId: "evt_poisoned",
          name: "clerk/user.created",
          reason: expect.stringMatching(/^first_name: contains a NUL/),
        },
        expect.stringMatching(/skipped/),
      ],
    ]);
  });

  it("an event Postgres refuses is skipped and named in the log; its batch-mates are written", async () => {
    // A rule the parser cannot know of, as an operator might add: Postgres refuses the row itself.
    await sql`alter table users add constraint refuses_one_name check (first_name <> 'Refused')`.execute(t.db);
    cleanups.push(() => sql`alter table users drop constraint refuses_one_name`.execute(t.db));
    const users = Array.from({ length: 7 }, () => clerkUserJson());
    const refused = clerkUserJson({ first_name: "Refused" });
    const batch = [...users.slice(0, 3), refused, ...users.slice(3)];
    const { result, error } = await runBatch(
      upsertUsers,
      batch.map((data, index) => ({ id: `evt_${index}`, name: "clerk/user.created", data })),
    );
    expect(error).toBeUndefined();
    const refusedOutcome = { eventId: "evt_3", outcome: "skipped", reason: expect.stringMatching(/SQLSTATE 23514/) };
    expect(result).toEqual({
      outcomes: batch.map((user, index) =>
        user === refused ? refusedOutcome : { eventId: `evt_${index}`, id: user.id, outcome: "created" },
      ),
    });
    expect(await countUsers(t.db)).toBe(7);
    expect(warnings).toEqual([
      [{ eventId: "evt_3", name: "clerk/user.created", reason: refusedOutcome.reason }, expect.any(String)],
    ]);
  });

  it("a membership Postgres refuses inside its locked transaction is skipped; the others are written", async () => {
    await sql`alter table organization_memberships add constraint refuses_one_role check (role <> 'org:refused')`.execute(
      t.db,
    );
    cleanups.push(() => sql`alter table organization_memberships drop constraint refuses_one_role`.execute(t.db));
    const organization = clerkOrganizationJson();
    const [kept, refused, alsoKept] = [
      clerkMembershipJson(organization, clerkUserJson()),
      clerkMembershipJson(organization, clerkUserJson(), { role: "org:refused" }),
      clerkMembershipJson(organization, clerkUserJson()),
    ];
    const { result, error } = await runBatch(upsertMemberships, [
      { id: "evt_kept", name: "clerk/organizationMembership.created", data: kept },
      { id: "evt_refused", name: "clerk/organizationMembership.created", data: refused },
      { id: "evt_also_kept", name: "clerk/organizationMembership.updated", data: alsoKept },
    ]);
    expect(error).toBeUndefined();
    expect(result).toEqual({
      outcomes: [
        { eventId: "evt_kept", id: kept.id, outcome: "created" },
        { eventId: "evt_refused", outcome: "skipped", reason: expect.stringMatching(/SQLSTATE 23514/) },
        { eventId: "evt_also_kept", id: alsoKept.id, outcome: "created" },
      ],
    });
    expect((await findLiveMembers(t.db, organization.id)).map((member) => member.membership_id).sort()).toEqual(
      [kept.id, alsoKept.id].sort(),
    );
  });
});
