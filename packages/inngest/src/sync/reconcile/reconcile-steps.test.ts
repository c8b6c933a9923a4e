import { clerkUserJson } from "@repo/clerk/testing";
import { countUsers, testDatabaseKinds, useTestDatabase } from "@repo/db/testing";
import { findUserById } from "@repo/db/users";
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { writeListed } from "./reconcile-steps.ts";
import { USERS } from "./reconciled-kinds.ts";

describe.each(testDatabaseKinds())("writing a page of listed users on %s", (kind) => {
  const t = useTestDatabase(kind);

  // Built without the parser, which refuses a NUL: it stands for any value the database refuses that
  // the parser did not foresee.
  const pageWithARefusedUser = () => {
    const users = [clerkUserJson(), clerkUserJson({ first_name: "Ada\u0000" }), clerkUserJson()];
    return { valid: users, ids: users.map((user) => user.id) };
  };

  it("writes the rest of the page when Postgres refuses one user, and names that user", async () => {
    const page = pageWithARefusedUser();
    const [first, refused, last] = page.valid;
    const listedAt = new Date();
    const result = await writeListed(t.db, USERS, page, listedAt);
    expect(result).toEqual({
      counts: { created: 2, updated: 0, unchanged: 0 },
      skipped: [
        { id: refused?.id, reason: 'the database refused it: invalid byte sequence for encoding "UTF8": 0x00' },
      ],
    });
    expect(await countUsers(t.db)).toBe(2);
    for (const user of [first, last])
      expect((await findUserById(t.db, user?.id ?? ""))?.last_listed_at).toEqual(listedAt);
  });

  it("stops writing one user at a time, skipping nobody else, when the database itself fails meanwhile", async () => {
    const page = pageWithARefusedUser();
    const [first, , last] = page.valid;
    // The database fails (as a lost connection does) on the last user, once the refused one is found.
    await sql`
      create function fail_like_a_lost_connection() returns trigger language plpgsql as $$
      begin raise exception 'connection lost' using errcode = '08006'; end $$
    `.execute(t.db);
    await sql`
      create trigger lost_connection before insert on users for each row
      when (new.id = ${sql.lit(last?.id)}) execute function fail_like_a_lost_connection()
    `.execute(t.db);
    try {
      await expect(writeListed(t.db, USERS, page, new Date())).rejects.toMatchObject({ code: "08006" });
    } finally {
      await sql`drop trigger lost_connection on users`.execute(t.db);
      await sql`drop function fail_like_a_lost_connection`.execute(t.db);
    }
    // The step fails whole and is retried; what it wrote before is the same on the retry.
    expect((await findUserById(t.db, first?.id ?? ""))?.id).toBe(first?.id);
  });

  it("fails the whole page, skipping nobody, when the trouble is the database and not a user", async () => {
    await sql`alter table users rename to users_elsewhere`.execute(t.db);
    try {
      await expect(writeListed(t.db, USERS, pageWithARefusedUser(), new Date())).rejects.toMatchObject({
        code: "42P01", // undefined_table: retried whole by Inngest, once the database is right again
      });
    } finally {
      await sql`alter table users_elsewhere rename to users`.execute(t.db);
    }
  });
});
