import {
  organizationSyncRowFromClerk,
  parseClerkOrganization,
  parseDeletedClerkOrganization,
} from "@repo/clerk/organizations";
import { markOrganizationsDeleted, upsertOrganizationsFromClerk } from "@repo/db/organizations";
import { clerkObjectSyncFunctions } from "../batched-sync.ts";
import { tombstonedIdsKind, upsertedRowsKind } from "../sync-event-kinds.ts";
import { clerkOrganizationEvents } from "./organization-events.ts";

const upsertedOrganizations = upsertedRowsKind(
  parseClerkOrganization,
  organizationSyncRowFromClerk,
  upsertOrganizationsFromClerk,
);
/** `organization.deleted`: erase the organization, keep a tombstone, and end its memberships. */
const deletedOrganizations = tombstonedIdsKind(parseDeletedClerkOrganization, markOrganizationsDeleted);

/** `clerk/organization.created` and `.updated` upsert, `clerk/organization.deleted` tombstones, in batches. */
export const { upsert: createUpsertClerkOrganizationFunction, tombstone: createTombstoneClerkOrganizationFunction } =
  clerkObjectSyncFunctions("organization", clerkOrganizationEvents, {
    upsert: {
      id: "upsert-clerk-organization",
      name: "Upsert Clerk organizations into the organizations table",
      kind: upsertedOrganizations,
    },
    tombstone: {
      id: "tombstone-clerk-organization",
      name: "Tombstone organizations deleted in Clerk",
      kind: deletedOrganizations,
    },
  });
