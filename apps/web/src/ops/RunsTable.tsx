import type { OpsRun } from "../api/trpc.ts";
import { formatTime } from "./TablesCard.tsx";

/** The last runs, newest first; each one's error text and skipped ids open on demand. */
export function RunsTable({ runs }: { runs: OpsRun[] }) {
  if (runs.length === 0) return <p className="muted">No reconciliation has run yet.</p>;
  return (
    <ol className="runs" aria-label="Reconciliation runs">
      {runs.map((run) => (
        <li key={run.id} className={`run run-${run.status}`}>
          <div className="run-summary">
            <strong>
              #{run.id} {run.kind}
            </strong>
            <span className="run-status">{run.status}</span>
            <span className="muted">
              {run.trigger}, {formatTime(run.startedAt)}
              {run.durationMs === null ? "" : `, ${formatDuration(run.durationMs)}`}
            </span>
          </div>
          <p className="muted">
            Users: {describeCounts(run.counts.users)}. Organizations: {describeCounts(run.counts.organizations)}.
            Memberships: {describeCounts(run.counts.memberships)}.
            {run.massTombstoneAllowed ? " Mass tombstone allowed." : ""}
          </p>
          {run.error ? (
            <details>
              <summary>Why it {run.status === "stopped" ? "stopped" : "failed"}</summary>
              <pre className="run-error">{run.error}</pre>
            </details>
          ) : null}
          {run.skipped.count > 0 ? (
            <details>
              <summary>{run.skipped.count} skipped</summary>
              <ul className="skipped">
                {run.skipped.objects.map((object) => (
                  <li key={object.id}>
                    <code>{object.id}</code>: {object.reason}
                  </li>
                ))}
              </ul>
              {run.skipped.count > run.skipped.objects.length ? (
                <p className="muted">The first {run.skipped.objects.length} are named.</p>
              ) : null}
            </details>
          ) : null}
        </li>
      ))}
    </ol>
  );
}

function describeCounts(counts: OpsRun["counts"]["users"]): string {
  return `${counts.listed} listed, ${counts.created} created, ${counts.updated} updated, ${counts.tombstoned} tombstoned`;
}

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}
