export { findNotListedSince, type IdOrderedTable, type ListedTable, markListed } from "./listing.ts";
export { refusalOf } from "./refusals.ts";
export { type Executor, newestPerId, type UpsertOutcome } from "./types.ts";
