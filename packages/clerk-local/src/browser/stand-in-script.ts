import { readFileSync } from "node:fs";

const standInSource = readFileSync(new URL("./clerk-stand-in.js", import.meta.url), "utf8");

/** What clerk-stand-in.js reads from window.__clerkStandIn (see the comment at its top). */
export type StandInConfig = {
  frontendApi: string;
  /** The Frontend API's origin when it is not https://<frontendApi> (the local stand-in's is http). */
  frontendApiUrl?: string;
  publishableKey: string;
  userIds?: string[];
  users?: { id: string; label: string }[];
  memberships: Record<string, StandInMembership[]>;
  local?: { dashboardUrl: string };
};

export type StandInOrganization = { id: string; name: string; slug: string | null };
/** One of a user's organization memberships; `role` is Clerk's role key, e.g. `org:admin`. */
export type StandInMembership = { organization: StandInOrganization; role: string };

/** clerk.browser.js as the stand-in serves it: its configuration, then the stand-in itself. */
export function standInScript(config: StandInConfig): string {
  // `<` escaped: the configuration holds names people typed, and a page may inline this script.
  return `window.__clerkStandIn = ${JSON.stringify(config).replaceAll("<", "\\u003c")};\n${standInSource}`;
}

/** ui.browser.js: empty, since the stand-in draws its own components. */
export const STAND_IN_UI_SCRIPT = "globalThis.__internal_ClerkUICtor = class ClerkUIStandIn {};";
