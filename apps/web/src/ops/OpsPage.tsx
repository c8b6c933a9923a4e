import { lazy, Suspense, useState } from "react";
import { describeApiProblem, trpc } from "../api/trpc.ts";
import { QueryPage } from "../ui/QueryPage.tsx";
import { HealthStrip } from "./HealthStrip.tsx";
import { ReconcileActions, type ReconcileRequest } from "./ReconcileActions.tsx";
import { RunsTable } from "./RunsTable.tsx";
import { TablesCard } from "./TablesCard.tsx";

// The chart library is the heaviest part of the console: its own chunk, loaded after the numbers show.
const RunsChart = lazy(() => import("./RunsChart.tsx"));

/** How often the page asks again while a run is going or one was just asked for. */
const REFRESH_WHILE_RUNNING_MS = 2_000;
/** How long the page waits for a requested run to show up (Inngest skips one while another is going). */
const AWAIT_REQUESTED_RUN_MS = 120_000;

/**
 * The operators' console (ops.status, ops.reconcile): the sync's health, the tables, the last runs and
 * buttons to start one. The server decides who is an operator; SignedInApp shows this page only to them.
 */
export default function OpsPage() {
  /** Set when a run was asked for: the newest run's id then, and when, until a newer run has finished. */
  const [awaiting, setAwaiting] = useState<{ afterRunId: number; since: number } | undefined>();
  const status = trpc.ops.status.useQuery(undefined, {
    refetchInterval: (query) => {
      const data = query.state.data;
      const isWaiting = awaiting !== undefined && Date.now() - awaiting.since < AWAIT_REQUESTED_RUN_MS;
      return data?.isRunning || isWaiting ? REFRESH_WHILE_RUNNING_MS : false;
    },
  });
  const newestRun = status.data?.runs[0];
  if (awaiting && newestRun && newestRun.id > awaiting.afterRunId && newestRun.status !== "running") {
    setAwaiting(undefined);
  }
  const utils = trpc.useUtils();
  const reconcile = trpc.ops.reconcile.useMutation({
    onSuccess: () => {
      setAwaiting({ afterRunId: status.data?.runs[0]?.id ?? 0, since: Date.now() });
      void utils.ops.status.invalidate();
    },
  });
  const request = (input: ReconcileRequest) => reconcile.mutate(input);
  return (
    <QueryPage query={status} loadingText="Loading the sync's status…">
      {(data) => (
        <>
          <HealthStrip health={data.health} isRunning={data.isRunning} />
          <ReconcileActions
            latestFullRun={data.runs.find((run) => run.kind === "full" && run.status !== "running")}
            isBusy={reconcile.isPending || data.isRunning}
            onRequest={request}
            outcome={describeOutcome(reconcile)}
            isError={reconcile.isError}
          />
          <TablesCard status={data} />
          <section className="card" aria-labelledby="runs-heading">
            <h2 id="runs-heading">Last runs</h2>
            <Suspense fallback={<p className="muted">Loading the chart…</p>}>
              <RunsChart runs={data.runs} />
            </Suspense>
            <RunsTable runs={data.runs} />
          </section>
        </>
      )}
    </QueryPage>
  );
}

function describeOutcome(reconcile: {
  isPending: boolean;
  isError: boolean;
  error: unknown;
  data: { eventId: string } | undefined;
  variables: ReconcileRequest | undefined;
}): string | undefined {
  if (reconcile.isPending) return "Asking Inngest…";
  if (reconcile.isError) {
    const problem = describeApiProblem(reconcile.error);
    return problem.kind === "other" ? problem.message : "The server refused the request.";
  }
  if (reconcile.data && reconcile.variables) {
    const { mode, allowMassTombstone } = reconcile.variables;
    return `Asked for a${mode === "full" ? " full" : "n incremental"} run${allowMassTombstone ? " allowed to tombstone past the limit" : ""} (event ${reconcile.data.eventId}); it shows below once Inngest starts it.`;
  }
  return undefined;
}
