import type { ColumnType, Generated, Selectable } from "kysely";

/** A timestamp column the database fills in, and that the code may set explicitly. */
type DefaultedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** jsonb: read back as an object, written as JSON text so pg and PGlite serialise it the same way. */
type JsonObject = ColumnType<Record<string, unknown>, string, string>;

export interface UsersTable {
  /** Clerk's user id (`user_...`): the one identity shared with Clerk. */
  id: string;
  /** The address Clerk marks primary (`primary_email_address_id`), not simply the first. */
  email: string | null;
  username: string | null;
  first_name: string | null;
  last_name: string | null;
  image_url: string | null;
  public_metadata: JsonObject;
  clerk_created_at: Timestamp | null;
  /** Clerk's `updated_at`: the row's version. A sync older than this changes nothing. */
  clerk_updated_at: Timestamp | null;
  last_sign_in_at: Timestamp | null;
  /** Set when Clerk deleted the user. The row stays as a tombstone so late events cannot revive it. */
  deleted_at: Timestamp | null;
  /** When a Clerk sync last changed this row. */
  synced_at: Timestamp | null;
  /** When a reconciliation last saw this user in Clerk's user list. */
  last_listed_at: Timestamp | null;
  /** App-owned profile fields: edited in this app, never touched by a Clerk sync. */
  display_name: string | null;
  bio: string | null;
  created_at: DefaultedTimestamp;
  updated_at: DefaultedTimestamp;
}

export interface ReconciliationRunsTable {
  id: Generated<number>;
  started_at: DefaultedTimestamp;
  finished_at: Timestamp | null;
  /** `stopped`: the run would have tombstoned too many users, so it tombstoned none (see `error`). */
  status: "running" | "succeeded" | "failed" | "stopped";
  trigger: string;
  listed: Generated<number>;
  created: Generated<number>;
  updated: Generated<number>;
  unchanged: Generated<number>;
  tombstoned: Generated<number>;
  /** Why the run failed or stopped. */
  error: string | null;
  /** The Inngest run that owns this row (null for the command line). */
  inngest_run_id: string | null;
  /** Whoever started the run allowed it to tombstone more than the usual share of users. */
  mass_tombstone_allowed: Generated<boolean>;
  /** Live users when the run checked, before tombstoning anyone (null: it did not get that far). */
  live_users: number | null;
  /** Live users the complete listing did not see: at most this many would be tombstoned. */
  tombstone_candidates: number | null;
  /** Users Clerk returned that could not be stored, so were left as they were. */
  skipped: Generated<number>;
  /** The first of the skipped users, by id and reason (never their data). */
  skipped_users: ColumnType<SkippedObject[], string | undefined, string>;
  /** Live organizations when the run checked, before tombstoning anything (null: it did not get that far). */
  live_organizations: number | null;
  /** Live organizations the complete listing did not see: at most this many would be tombstoned. */
  organization_tombstone_candidates: number | null;
  /** The run's counts for organizations and for memberships, as `listed` ... `tombstoned` are for users. */
  organizations_listed: Generated<number>;
  organizations_created: Generated<number>;
  organizations_updated: Generated<number>;
  organizations_unchanged: Generated<number>;
  organizations_tombstoned: Generated<number>;
  memberships_listed: Generated<number>;
  memberships_created: Generated<number>;
  memberships_updated: Generated<number>;
  memberships_unchanged: Generated<number>;
  memberships_tombstoned: Generated<number>;
  /**
   * Whether Clerk had the organizations feature on when the run asked. False: Clerk answered that it is
   * off, so organizations and memberships were left as they were. Null: the run never got to ask.
   */
  organizations_enabled: boolean | null;
  /** `full` lists everything and tombstones; `incremental` lists what changed since the last success. */
  kind: ColumnType<ReconciliationKind, ReconciliationKind | undefined, ReconciliationKind>;
}

export type ReconciliationKind = "full" | "incremental";

export interface OrganizationsTable {
  /** Clerk's organization id (`org_...`). */
  id: string;
  /** Null only on a tombstone: a live organization always has its name. */
  name: string | null;
  slug: string | null;
  image_url: string | null;
  public_metadata: JsonObject;
  clerk_created_at: Timestamp | null;
  /** Clerk's `updated_at`: the row's version. A sync older than this, or as old, changes nothing. */
  clerk_updated_at: Timestamp | null;
  /** Set when Clerk deleted the organization. The row stays as a tombstone so late events cannot revive it. */
  deleted_at: Timestamp | null;
  /** When a Clerk sync last changed this row. */
  synced_at: Timestamp | null;
  /** When a reconciliation last saw this organization in Clerk's list. */
  last_listed_at: Timestamp | null;
  /** App-owned: edited in this app, never written by a sync (erased by a tombstone). */
  description: string | null;
  created_at: DefaultedTimestamp;
  updated_at: DefaultedTimestamp;
}

/**
 * A user's membership of an organization, as Clerk has it. No foreign keys: a membership may arrive
 * before its organization and its user. At most one live membership per organization and user.
 */
export interface OrganizationMembershipsTable {
  /** Clerk's membership id (`orgmem_...`): a member removed and added again gets a new one. */
  id: string;
  organization_id: string;
  user_id: string;
  /** Clerk's role key, e.g. `org:admin`; null only on a tombstone. */
  role: string | null;
  /** Clerk's `public_user_data` as the membership last carried it: shown while `users` has no row. */
  user_identifier: string | null;
  user_first_name: string | null;
  user_last_name: string | null;
  user_image_url: string | null;
  clerk_created_at: Timestamp | null;
  /** Clerk's `updated_at`: the row's version, as for users. */
  clerk_updated_at: Timestamp | null;
  /** Set when the membership ended (deleted, its organization or user deleted, or superseded). */
  deleted_at: Timestamp | null;
  synced_at: Timestamp | null;
  last_listed_at: Timestamp | null;
  created_at: DefaultedTimestamp;
  updated_at: DefaultedTimestamp;
}

/**
 * One email of one kind to one user (primary key: user_id, kind), and how sending it went:
 * - `sending`: claimed by a run that is handing it to the SMTP server. Found by a later attempt, it
 *   means that attempt's outcome is unknown (a crash between the server's accept and this record), and
 *   the email is not sent again: at most once (docs/emails.md, "At most once").
 * - `sent`: the server accepted it (`message_id`). `deferred`: it answered 4xx, so a retry may claim it
 *   again. `failed`: it refused for good (5xx).
 * Erased with the user's tombstone.
 */
export interface EmailSendsTable {
  user_id: string;
  kind: string;
  state: EmailSendState;
  message_id: string | null;
  smtp_reply_code: number | null;
  attempts: Generated<number>;
  created_at: DefaultedTimestamp;
  updated_at: DefaultedTimestamp;
}

export type EmailSendState = "sending" | "sent" | "deferred" | "failed";

/** A user's choice about product emails; no row means the default, on. Erased with the tombstone. */
export interface EmailPreferencesTable {
  user_id: string;
  /** Random; what unsubscribe links name, as no email may carry a Clerk id. */
  link_id: string;
  product_emails: Generated<boolean>;
  updated_at: DefaultedTimestamp;
}

/**
 * When something about the sync last happened, one row per kind (`webhook_received`): what the operators'
 * console shows beside the tables, kept here because any replica may have seen it.
 */
export interface SyncActivityTable {
  name: SyncActivityName;
  at: DefaultedTimestamp;
}

export type SyncActivityName = "webhook_received";

/** A user, organization or membership Clerk returned that the run could not store, and why. */
export type SkippedObject = { id: string; reason: string };

export interface Database {
  users: UsersTable;
  reconciliation_runs: ReconciliationRunsTable;
  organizations: OrganizationsTable;
  organization_memberships: OrganizationMembershipsTable;
  email_sends: EmailSendsTable;
  email_preferences: EmailPreferencesTable;
  sync_activity: SyncActivityTable;
}

export type User = Selectable<UsersTable>;
export type ReconciliationRun = Selectable<ReconciliationRunsTable>;
export type Organization = Selectable<OrganizationsTable>;
export type OrganizationMembership = Selectable<OrganizationMembershipsTable>;
export type EmailSend = Selectable<EmailSendsTable>;
