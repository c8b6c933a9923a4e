import type { ReconciliationRun } from "@repo/db/reconciliation-runs";

/**
 * The fields of a reconciliation run that every audience sees, users and operators alike: which run,
 * what started it, when, and how it ended. Named one by one, like each view built on it, so a new column
 * reaches nobody until a view names it; what is for operators only stays in the operators' view.
 */
export type RunHeadline = {
  id: number;
  /** `incremental`: only the users Clerk changed since the last run, nothing tombstoned (zeros elsewhere). */
  kind: ReconciliationRun["kind"];
  status: ReconciliationRun["status"];
  trigger: string;
  startedAt: Date;
  finishedAt: Date | null;
};

export function headlineOfRun(run: ReconciliationRun): RunHeadline {
  return {
    id: run.id,
    kind: run.kind,
    status: run.status,
    trigger: run.trigger,
    startedAt: run.started_at,
    finishedAt: run.finished_at,
  };
}
