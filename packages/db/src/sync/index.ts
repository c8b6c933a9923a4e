export { findSyncActivityAt, recordSyncActivity } from "./activity.ts";
export { findNotListedSince, type IdOrderedTable, type ListedTable, markListed } from "./listing.ts";
export { refusalOf } from "./refusals.ts";
export { SYNCED_TABLES, type SyncedTable, type SyncedTableStats, summariseSyncedTables } from "./table-stats.ts";
export { type Executor, newestPerId, type UpsertOutcome } from "./types.ts";
