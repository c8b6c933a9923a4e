import { describe, expect, it } from "vitest";
import { userSyncRow } from "../testing/sync-rows.ts";
import { newestPerId } from "./types.ts";

/** `ms` milliseconds after `date`. */
const after = (date: Date, ms: number) => new Date(date.getTime() + ms);

describe("newestPerId", () => {
  it("keeps the newest version of each row (a user here)", () => {
    const older = userSyncRow({ first_name: "Old" });
    const newer = { ...older, first_name: "New", clerk_updated_at: after(older.clerk_updated_at, 5) };
    const other = userSyncRow();
    const byId = new Map(newestPerId([newer, other, older]).map((r) => [r.id, r.first_name]));
    expect(byId).toEqual(
      new Map([
        [older.id, "New"],
        [other.id, other.first_name],
      ]),
    );
  });
});
