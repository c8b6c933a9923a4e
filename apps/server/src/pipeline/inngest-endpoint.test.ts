import { clerkUserJson } from "@repo/clerk/testing";
import { countUsers, testDatabaseKinds, useTestDatabase } from "@repo/db/testing";
import { findUserById } from "@repo/db/users";
import { INNGEST_APP_ID } from "@repo/inngest/client";
import { describe, expect, it } from "vitest";
import { createTestClerkInstance, signSessionToken } from "../testing/clerk-session.ts";
import { signClerkWebhook } from "../testing/clerk-webhooks.ts";
import { driveInngestRun, useInngestEventApiStub } from "../testing/inngest-stubs.ts";
import { TEST_INNGEST_SIGNING_KEY, TEST_WEB_ORIGIN } from "../testing/test-server.ts";
import { callTrpc } from "../testing/trpc-http.ts";
import { useTestServer } from "../testing/use-test-server.ts";
import type { CurrentUser } from "../users/user-profile.ts";

const clerk = createTestClerkInstance();

describe.each(testDatabaseKinds())("/api/inngest and the whole pipeline on %s", (kind) => {
  const t = useTestDatabase(kind);
  const inngestApi = useInngestEventApiStub();
  const server = useTestServer(() => ({ db: t.db, clerk, inngestBaseUrl: inngestApi.url }));

  const run = (
    event: { name: string; data: Record<string, unknown> },
    signingKey: string | undefined,
    functionId = "upsert-clerk-user",
  ) => driveInngestRun({ serveUrl: `${server.url}/api/inngest`, appId: INNGEST_APP_ID, functionId, event, signingKey });

  it("rejects an unsigned call and writes nothing", async () => {
    const result = await run({ name: "clerk/user.created", data: clerkUserJson() }, undefined);
    expect(result.status).toBe(401);
    expect(await countUsers(t.db)).toBe(0);
  });

  it("rejects a call signed with another key and writes nothing", async () => {
    const result = await run({ name: "clerk/user.created", data: clerkUserJson() }, `signkey-test-${"ab".repeat(32)}`);
    expect(result.status).toBe(401);
    expect(await countUsers(t.db)).toBe(0);
  });

  it("runs the function in one call signed as Inngest signs it (no step to checkpoint), and the row is in the database", async () => {
    const user = clerkUserJson();
    const result = await run({ name: "clerk/user.created", data: user }, TEST_INNGEST_SIGNING_KEY);
    expect(result.status).toBe(200);
    expect(result.calls).toBe(1);
    expect(result.body).toEqual({ outcomes: [{ eventId: "evt_test", id: user.id, outcome: "created" }] });
    expect((await findUserById(t.db, user.id))?.first_name).toBe("Ada");
  });

  it("carries a Clerk webhook through Inngest into the database, and user.me returns it", async () => {
    const user = clerkUserJson({ first_name: "Piped" });
    const delivery = signClerkWebhook({ type: "user.created", data: user });
    const webhook = await fetch(`${server.url}/api/webhooks/clerk`, {
      method: "POST",
      headers: delivery.headers,
      body: delivery.body,
    });
    expect(webhook.status).toBe(200);

    const [event] = inngestApi.events;
    expect(event?.id).toBe(delivery.svixId);
    if (!event) throw new Error("no event reached the Inngest stand-in");
    const result = await run(event, TEST_INNGEST_SIGNING_KEY);
    expect(result.status).toBe(200);

    const token = await signSessionToken(clerk, { userId: user.id, azp: TEST_WEB_ORIGIN });
    const me = await callTrpc<CurrentUser>(server.url, "user.me", { token });
    expect(me.status).toBe(200);
    expect(me.data?.profile).toMatchObject({
      id: user.id,
      firstName: "Piped",
      email: user.email_addresses[1]?.email_address,
    });

    const deleteDelivery = signClerkWebhook({
      type: "user.deleted",
      data: { id: user.id, object: "user", deleted: true },
    });
    await fetch(`${server.url}/api/webhooks/clerk`, {
      method: "POST",
      headers: deleteDelivery.headers,
      body: deleteDelivery.body,
    });
    const deleteEvent = inngestApi.events[1];
    if (!deleteEvent) throw new Error("the delete did not reach the Inngest stand-in");
    expect((await run(deleteEvent, TEST_INNGEST_SIGNING_KEY, "tombstone-clerk-user")).status).toBe(200);
    expect((await callTrpc(server.url, "user.me", { token })).status).toBe(403);
  });
});
