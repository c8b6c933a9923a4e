import type { ClerkClient } from "@clerk/backend";
import type { InngestClient } from "@repo/inngest/client";
import { reconcileRequested } from "@repo/inngest/reconcile";
import { AppError } from "../errors/app-error.ts";
import { type ClerkUserCount, createClerkUserCounter } from "./clerk-user-count.ts";

export type ReconcileRequest = { mode: "full" | "incremental"; allowMassTombstone?: boolean | undefined };

/** What the operators' procedures reach beyond the database: Clerk's count, and Inngest to start a run. */
export type OpsServices = {
  countClerkUsers(): Promise<ClerkUserCount>;
  /** Sends the request to Inngest and answers with the event's id. */
  requestReconciliation(request: ReconcileRequest): Promise<string>;
};

export function createOpsServices(deps: {
  clerk: ClerkClient | undefined;
  inngest: InngestClient;
  clerkLookupTimeoutMs: number;
}): OpsServices {
  return {
    countClerkUsers: createClerkUserCounter(deps.clerk, deps.clerkLookupTimeoutMs),
    async requestReconciliation({ mode, allowMassTombstone }) {
      let sent: { ids: string[] };
      try {
        sent = await deps.inngest.send(
          reconcileRequested.create({ mode, allowMassTombstone: allowMassTombstone ?? false }),
        );
      } catch (error) {
        throw new AppError("inngest_unavailable", "Could not reach Inngest to start the run: try again in a moment", {
          cause: error,
        });
      }
      const [eventId] = sent.ids;
      if (!eventId) throw new AppError("inngest_unavailable", "Inngest accepted the request but named no event");
      return eventId;
    },
  };
}
