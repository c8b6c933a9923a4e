import type { OpsStatus } from "../api/trpc.ts";

const LABEL: Record<OpsStatus["health"]["state"], string> = {
  in_sync: "In sync",
  drifting: "Drifting",
  failing: "Failing",
};

/** The sync's health in one word and its reason, first thing on the page; a live region, as it refreshes. */
export function HealthStrip({ health, isRunning }: { health: OpsStatus["health"]; isRunning: boolean }) {
  return (
    <section className={`card health health-${health.state}`} aria-label="Sync health" aria-live="polite">
      <h1>
        {LABEL[health.state]}
        {isRunning ? <span className="muted"> · a reconciliation is running</span> : null}
      </h1>
      <p data-testid="health-reason">{health.reason}</p>
    </section>
  );
}
