import type { OpsStatus } from "../api/trpc.ts";

const TABLE_LABEL: Record<OpsStatus["tables"][number]["table"], string> = {
  users: "Users",
  organizations: "Organizations",
  organization_memberships: "Memberships",
};

/** Each synced table's rows, Clerk's own user count beside ours, and when the sync was last heard from. */
export function TablesCard({ status }: { status: OpsStatus }) {
  const { clerkUsers } = status;
  return (
    <section className="card" aria-labelledby="tables-heading">
      <h2 id="tables-heading">Tables</h2>
      <table className="ops-table">
        <thead>
          <tr>
            <th scope="col">Table</th>
            <th scope="col">Live</th>
            <th scope="col">Tombstones</th>
            <th scope="col">Newest Clerk update</th>
          </tr>
        </thead>
        <tbody>
          {status.tables.map((table) => (
            <tr key={table.table}>
              <th scope="row">{TABLE_LABEL[table.table]}</th>
              <td>{table.live}</td>
              <td>{table.tombstones}</td>
              <td>{formatTime(table.newestClerkUpdatedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p data-testid="clerk-user-count">
        {clerkUsers.isAvailable
          ? `Clerk counts ${clerkUsers.count} users; ${clerkUsers.liveUsers} are live here (difference ${signed(clerkUsers.difference ?? 0)}).`
          : `Clerk's user count is unavailable: ${clerkUsers.reason}`}
      </p>
      <p className="muted">
        Last webhook received: {formatTime(status.lastWebhookReceivedAt)}. Last sync applied:{" "}
        {formatTime(status.lastSyncAppliedAt)}.
      </p>
    </section>
  );
}

export function formatTime(date: Date | null): string {
  return date ? date.toLocaleString() : "never";
}

const signed = (n: number) => (n > 0 ? `+${n}` : String(n));
