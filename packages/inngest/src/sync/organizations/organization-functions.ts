import { organizationSyncRowFromClerk } from "@repo/clerk/organizations";
import type { Db } from "@repo/db/client";
import { markOrganizationDeleted, upsertOrganizationsFromClerk } from "@repo/db/organizations";
import type { InngestClient } from "../../client.ts";
import { recordSyncOutcome } from "../sync-metrics.ts";
import { clerkOrganizationCreated, clerkOrganizationDeleted, clerkOrganizationUpdated } from "./organization-events.ts";

/**
 * One run at a time per Clerk organization, across both functions (scope "env"). Correctness does not
 * rest on it: the ordering rules are in the SQL (see upsertOrganizationsFromClerk).
 */
const oneRunPerOrganization = { scope: "env", key: `"clerk-organization:" + event.data.id`, limit: 1 } as const;

export type OrganizationUpsertResult = { organizationId: string; outcome: "created" | "updated" | "unchanged" };
export type OrganizationTombstoneResult = { organizationId: string; outcome: "tombstoned" | "unchanged" };

/** `clerk/organization.created` and `clerk/organization.updated`: both upsert, so an update arriving first still works. */
export function createUpsertClerkOrganizationFunction(inngest: InngestClient, deps: { db: Db }) {
  return inngest.createFunction(
    {
      id: "upsert-clerk-organization",
      name: "Upsert a Clerk organization into the organizations table",
      triggers: [clerkOrganizationCreated, clerkOrganizationUpdated],
      concurrency: oneRunPerOrganization,
    },
    async ({ event, step }): Promise<OrganizationUpsertResult> => {
      const outcome = await step.run("upsert-organization", async () => {
        const [written] = await upsertOrganizationsFromClerk(deps.db, [organizationSyncRowFromClerk(event.data)]);
        return written?.outcome ?? "unchanged";
      });
      recordSyncOutcome("organization", outcome);
      return { organizationId: event.data.id, outcome };
    },
  );
}

/** `clerk/organization.deleted`: erase the organization, keep a tombstone, and end its memberships. */
export function createTombstoneClerkOrganizationFunction(inngest: InngestClient, deps: { db: Db }) {
  return inngest.createFunction(
    {
      id: "tombstone-clerk-organization",
      name: "Tombstone an organization deleted in Clerk",
      triggers: [clerkOrganizationDeleted],
      concurrency: oneRunPerOrganization,
    },
    async ({ event, step }): Promise<OrganizationTombstoneResult> => {
      const organizationId = event.data.id;
      const tombstoned = await step.run("tombstone-organization", () =>
        markOrganizationDeleted(deps.db, organizationId),
      );
      recordSyncOutcome("organization", tombstoned ? "tombstoned" : "unchanged");
      return { organizationId, outcome: tombstoned ? "tombstoned" : "unchanged" };
    },
  );
}
