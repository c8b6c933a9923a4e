import { Bar, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { OpsRun } from "../api/trpc.ts";

/**
 * The last runs, oldest on the left: users changed (created, updated, tombstoned) as bars on the left
 * axis, the duration as a line on the right. Drawn with Recharts.
 */
export default function RunsChart({ runs }: { runs: OpsRun[] }) {
  const finished = runs.filter((run) => run.durationMs !== null).reverse();
  if (finished.length === 0) return null;
  const points = finished.map((run) => ({
    name: `#${run.id}`,
    created: run.counts.users.created,
    updated: run.counts.users.updated,
    tombstoned: run.counts.users.tombstoned,
    seconds: (run.durationMs ?? 0) / 1000,
  }));
  return (
    <figure className="runs-chart" aria-label="Duration and users changed per run">
      <ResponsiveContainer width="100%" height={220}>
        <ComposedChart data={points} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="name" />
          <YAxis yAxisId="users" allowDecimals={false} />
          <YAxis yAxisId="seconds" orientation="right" unit=" s" />
          <Tooltip />
          <Legend />
          <Bar yAxisId="users" dataKey="created" stackId="users" fill="#3b8c3b" isAnimationActive={false} />
          <Bar yAxisId="users" dataKey="updated" stackId="users" fill="#3b3bd6" isAnimationActive={false} />
          <Bar yAxisId="users" dataKey="tombstoned" stackId="users" fill="#b3261e" isAnimationActive={false} />
          <Line
            yAxisId="seconds"
            dataKey="seconds"
            name="duration"
            stroke="#c77700"
            dot
            type="monotone"
            isAnimationActive={false}
          />
        </ComposedChart>
      </ResponsiveContainer>
    </figure>
  );
}
