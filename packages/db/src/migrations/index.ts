import type { Migration } from "kysely/migration";
import * as createUsers from "./20261126T1400_create_users.ts";
import * as createReconciliationRuns from "./20261126T1500_create_reconciliation_runs.ts";
import * as trackReconciliationListing from "./20261126T1600_track_reconciliation_listing.ts";
import * as recordReconciliationSafety from "./20261127T0900_record_reconciliation_safety.ts";
import * as createOrganizations from "./20261127T1200_create_organizations.ts";
import * as countReconciledOrganizations from "./20261128T0900_count_reconciled_organizations.ts";
import * as recordReconciliationOrganizationsEnabled from "./20261130T0900_record_reconciliation_organizations_enabled.ts";
import * as createEmailRecords from "./20261207T0300_create_email_records.ts";
import * as recordReconciliationKind from "./20261207T0310_record_reconciliation_kind.ts";
import * as createSyncActivity from "./20261207T0400_create_sync_activity.ts";

/**
 * Every migration, by name. Listed here rather than read from the folder at run time so the server
 * bundle and the test runner see the same set; the names sort in the order they must run.
 */
export const migrations: Record<string, Migration> = {
  "20261126T1400_create_users": createUsers,
  "20261126T1500_create_reconciliation_runs": createReconciliationRuns,
  "20261126T1600_track_reconciliation_listing": trackReconciliationListing,
  "20261127T0900_record_reconciliation_safety": recordReconciliationSafety,
  "20261127T1200_create_organizations": createOrganizations,
  "20261128T0900_count_reconciled_organizations": countReconciledOrganizations,
  "20261130T0900_record_reconciliation_organizations_enabled": recordReconciliationOrganizationsEnabled,
  "20261207T0300_create_email_records": createEmailRecords,
  "20261207T0310_record_reconciliation_kind": recordReconciliationKind,
  "20261207T0400_create_sync_activity": createSyncActivity,
};
