import { useState } from "react";
import type { OpsRun } from "../api/trpc.ts";

export type ReconcileRequest = { mode: "full" | "incremental"; allowMassTombstone?: boolean };

/**
 * Buttons for a full and an incremental run, and, after a full run stopped at the tombstone limit, the
 * override: behind a confirmation that names how many users it would tombstone, as the stopped run counted.
 */
export function ReconcileActions(props: {
  latestFullRun: OpsRun | undefined;
  isBusy: boolean;
  onRequest: (request: ReconcileRequest) => void;
  /** What came of the last request, for the status line. */
  outcome: string | undefined;
  isError: boolean;
}) {
  const [isConfirming, setConfirming] = useState(false);
  const stopped = props.latestFullRun?.status === "stopped" ? props.latestFullRun : undefined;
  const candidates = stopped?.tombstoneCandidates ?? null;
  return (
    <section className="card" aria-labelledby="actions-heading">
      <h2 id="actions-heading">Reconcile now</h2>
      <div className="actions">
        <button
          type="button"
          className="primary"
          disabled={props.isBusy}
          onClick={() => props.onRequest({ mode: "full" })}
        >
          Run a full reconciliation
        </button>
        <button type="button" disabled={props.isBusy} onClick={() => props.onRequest({ mode: "incremental" })}>
          Run an incremental reconciliation
        </button>
      </div>
      {stopped && !isConfirming ? (
        <p>
          Run #{stopped.id} stopped before tombstoning anyone.{" "}
          <button type="button" disabled={props.isBusy} onClick={() => setConfirming(true)}>
            Allow the mass tombstone…
          </button>
        </p>
      ) : null}
      {stopped && isConfirming ? (
        <div className="confirm" role="alertdialog" aria-labelledby="confirm-heading">
          <h3 id="confirm-heading">
            Tombstone {candidates === null ? "every user Clerk no longer lists" : `up to ${candidates} users`}?
          </h3>
          <p>
            A full run will erase the users that Clerk's listing no longer has
            {candidates === null ? "" : ` (run #${stopped.id} counted ${candidates})`}, past the limit that stopped it.
            Do this only after checking in Clerk's dashboard that they were really deleted.
          </p>
          <div className="actions">
            <button
              type="button"
              className="danger"
              disabled={props.isBusy}
              onClick={() => {
                setConfirming(false);
                props.onRequest({ mode: "full", allowMassTombstone: true });
              }}
            >
              {candidates === null ? "Tombstone them" : `Tombstone up to ${candidates} users`}
            </button>
            <button type="button" onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </div>
        </div>
      ) : null}
      <p role="status" aria-live="polite" className={props.isError ? "error-text" : "muted"}>
        {props.outcome ?? ""}
      </p>
    </section>
  );
}
