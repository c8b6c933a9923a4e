import {
  organizationSyncRowFromClerk,
  parseClerkOrganization,
  parseDeletedClerkOrganization,
} from "@repo/clerk/organizations";
import { mapParsed } from "@repo/clerk/parse-result";
import {
  markOrganizationsDeleted,
  type OrganizationSyncRow,
  upsertOrganizationsFromClerk,
} from "@repo/db/organizations";
import type { InngestClient } from "../../client.ts";
import { createBatchedSyncFunction, type SyncEventKind, type SyncFunctionDeps } from "../batched-sync.ts";
import { clerkOrganizationCreated, clerkOrganizationDeleted, clerkOrganizationUpdated } from "./organization-events.ts";

/** `organization.created` and `organization.updated` both upsert, so an update arriving first still works. */
const upsertedOrganizations: SyncEventKind<OrganizationSyncRow> = {
  parse: (data) => mapParsed(parseClerkOrganization(data), organizationSyncRowFromClerk),
  idOf: (row) => row.id,
  versionOf: (row) => row.clerk_updated_at.getTime(),
  write: async (db, rows) => {
    const written = await upsertOrganizationsFromClerk(db, rows);
    return new Map(written.map(({ id, outcome }) => [id, outcome]));
  },
};

/** `organization.deleted`: erase the organization, keep a tombstone, and end its memberships. */
const deletedOrganizations: SyncEventKind<string> = {
  parse: (data) => mapParsed(parseDeletedClerkOrganization(data), (deleted) => deleted.id),
  idOf: (id) => id,
  versionOf: () => 0,
  write: async (db, ids) => new Map((await markOrganizationsDeleted(db, ids)).map((id) => [id, "tombstoned"])),
};

/** `clerk/organization.created` and `clerk/organization.updated`, in batches. */
export function createUpsertClerkOrganizationFunction(inngest: InngestClient, deps: SyncFunctionDeps) {
  return createBatchedSyncFunction(
    inngest,
    {
      id: "upsert-clerk-organization",
      name: "Upsert Clerk organizations into the organizations table",
      events: [clerkOrganizationCreated.name, clerkOrganizationUpdated.name],
      kind: upsertedOrganizations,
      metricKind: "organization",
    },
    deps,
  );
}

/** `clerk/organization.deleted`, in batches. */
export function createTombstoneClerkOrganizationFunction(inngest: InngestClient, deps: SyncFunctionDeps) {
  return createBatchedSyncFunction(
    inngest,
    {
      id: "tombstone-clerk-organization",
      name: "Tombstone organizations deleted in Clerk",
      events: [clerkOrganizationDeleted.name],
      kind: deletedOrganizations,
      metricKind: "organization",
    },
    deps,
  );
}
