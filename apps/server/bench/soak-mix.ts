import { clerkUserJson } from "@repo/clerk/testing";
import type { ClerkUserJson } from "@repo/clerk/users";
import { INNGEST_APP_ID } from "@repo/inngest/client";
import superjson from "superjson";
import { signClerkWebhook } from "../src/testing/clerk-webhooks.ts";
import { signInngestRequest } from "../src/testing/inngest-stubs.ts";
import { TEST_INNGEST_SIGNING_KEY } from "../src/testing/test-server.ts";
import type { HttpRequest, Operation } from "./soak-load.ts";

/** The soak's request kinds, one table row each, in the order the table lists them. */
export const SOAK_KINDS = {
  me: "GET user.me",
  updateProfile: "POST user.updateProfile",
  webhook: "POST /api/webhooks/clerk (signed)",
  inngestRun: "POST /api/inngest: a sync run (200)",
} as const;

/** What the mix's requests should have left behind, to check against the database and the stand-ins. */
export type SoakOutcome = {
  inngestRunsStarted: number;
  inngestRunsFinished: number;
  usersCreatedThroughInngest: number;
  webhooksForwarded: number;
};

/**
 * The soak's work, `cycles` times over: one `user.me`, one `user.updateProfile`, one signed Clerk
 * webhook and one signed Inngest run (one call: the sync functions have no step) per cycle, so four
 * requests a cycle. Every request is
 * one the server must answer with a 2xx:
 * - tRPC calls carry session tokens of users that exist in Clerk (the stand-in); some are in `users`
 *   already, the rest are fetched from Clerk by their first `user.me` (the just-after-sign-up path);
 * - webhooks are signed with a fresh svix-id each, alternately a new user's `user.created` and a newer
 *   `user.updated` of a known user, and are forwarded to the Inngest stand-in;
 * - each Inngest run is `upsert-clerk-user` as Inngest's executor drives it, with a batch of one event
 *   (a 206 would ask for another call with a step's result; the sync has none, so it answers 200). Runs
 *   alternate between a new user (a row created) and a newer version of a known one (a row updated).
 * Requests are built when they are sent, so signatures and timestamps are as fresh as Svix's and
 * Inngest's would be.
 */
export function buildSoakOperations(options: {
  cycles: number;
  /** Session tokens of users that exist in Clerk, used in turn. */
  tokens: string[];
  /** Users already in `users`, for `user.updated` webhooks and runs. */
  knownUsers: ClerkUserJson[];
  origin: string;
}): { operations: Operation[]; outcome: SoakOutcome } {
  const outcome: SoakOutcome = {
    inngestRunsStarted: 0,
    inngestRunsFinished: 0,
    usersCreatedThroughInngest: 0,
    webhooksForwarded: 0,
  };
  const operations: Operation[] = [];
  let version = 0;
  /** A newer version of a known user: each call's updated_at is later than every earlier one's. */
  const updatedUser = (i: number): ClerkUserJson => {
    const user = options.knownUsers[i % options.knownUsers.length] as ClerkUserJson;
    version += 1;
    return { ...user, first_name: `Ada ${version}`, updated_at: user.updated_at + version };
  };
  const tokenFor = (i: number) => options.tokens[i % options.tokens.length] as string;

  for (let i = 0; i < options.cycles; i++) {
    operations.push(async (call) => {
      await call(SOAK_KINDS.me, {
        method: "GET",
        path: "/api/trpc/user.me",
        headers: { Authorization: `Bearer ${tokenFor(2 * i)}` },
      });
    });
    operations.push(async (call) => {
      await call(SOAK_KINDS.updateProfile, {
        method: "POST",
        path: "/api/trpc/user.updateProfile",
        headers: {
          Authorization: `Bearer ${tokenFor(2 * i + 1)}`,
          "Content-Type": "application/json",
          Origin: options.origin,
        },
        body: JSON.stringify(superjson.serialize({ displayName: `Soak ${i}`, bio: "Written by the soak benchmark." })),
      });
    });
    operations.push(async (call) => {
      const event =
        i % 2 === 0 ? { type: "user.created", data: clerkUserJson() } : { type: "user.updated", data: updatedUser(i) };
      const delivery = signClerkWebhook(event);
      const response = await call(SOAK_KINDS.webhook, {
        method: "POST",
        path: "/api/webhooks/clerk",
        headers: delivery.headers,
        body: delivery.body,
      });
      if (response.status === 200) outcome.webhooksForwarded += 1;
    });
    operations.push(async (call) => {
      const isNewUser = i % 2 === 0;
      const event = {
        id: `evt_soak_${i}`,
        name: isNewUser ? "clerk/user.created" : "clerk/user.updated",
        data: isNewUser ? clerkUserJson() : updatedUser(i),
        ts: Date.now(),
      };
      outcome.inngestRunsStarted += 1;
      const finished = await runInngestFunction(call, { functionId: "upsert-clerk-user", event, runNumber: i });
      if (finished) outcome.inngestRunsFinished += 1;
      if (finished && isNewUser) outcome.usersCreatedThroughInngest += 1;
    });
  }
  return { operations, outcome };
}

type StepOp = { id: string; op: string; data?: unknown };

/**
 * One run of a function over HTTP, as Inngest's executor makes it (and as driveInngestRun in
 * src/testing does with fetch): call, feed each step's result back in, call again, until the function
 * returns. Says whether it finished with 200.
 */
async function runInngestFunction(
  call: Parameters<Operation>[0],
  options: { functionId: string; event: Record<string, unknown>; runNumber: number },
): Promise<boolean> {
  const steps: Record<string, { type: "data"; data: unknown }> = {};
  const runId = `01JS0AK${String(options.runNumber).padStart(19, "0")}`;
  for (let callNumber = 0; callNumber < 3; callNumber++) {
    const body = {
      version: 2,
      event: options.event,
      events: [options.event],
      steps,
      ctx: {
        run_id: runId,
        attempt: 0,
        disable_immediate_execution: false,
        use_api: false,
        stack: { stack: Object.keys(steps), current: Object.keys(steps).length - 1 },
      },
    };
    const request: HttpRequest = {
      method: "POST",
      path: `/api/inngest?fnId=${INNGEST_APP_ID}-${options.functionId}&stepId=step`,
      headers: {
        "Content-Type": "application/json",
        "X-Inngest-Signature": signInngestRequest(body, TEST_INNGEST_SIGNING_KEY),
      },
      body: JSON.stringify(body),
    };
    const response = await call(SOAK_KINDS.inngestRun, request);
    if (response.status !== 206) return response.status === 200;
    let ops: StepOp[];
    try {
      ops = JSON.parse(response.body) as StepOp[];
    } catch {
      return false; // a 2xx, but the run cannot go on: the effects row counts it as unfinished
    }
    for (const op of ops) {
      if (op.op !== "StepRun" && op.op !== "Step") return false;
      steps[op.id] = { type: "data", data: op.data };
    }
  }
  return false;
}
