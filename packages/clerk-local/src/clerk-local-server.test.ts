import { mkdtempSync, readFileSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, request } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Webhook } from "svix";
import { afterEach, describe, expect, it } from "vitest";
import { type ClerkLocal, startClerkLocal } from "./clerk-local-server.ts";

const WEB_ORIGIN = "http://localhost:5173";
const GRACE = "user_2LocalGraceHopper0000000000";
const started: ClerkLocal[] = [];

async function start(dataDir: string, webhookUrl = "http://127.0.0.1:9/api/webhooks/clerk") {
  const local = await startClerkLocal({ dataDir, port: 0, webOrigins: [WEB_ORIGIN], webhookUrl: () => webhookUrl });
  started.push(local);
  return local;
}

afterEach(async () => {
  await Promise.all(started.splice(0).map((local) => local.close()));
});

/** A GET with these headers as they are, Host included (fetch sets Host itself). */
function getWithHeaders(url: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        body += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

/** A stand-in for the app's /api/webhooks/clerk: every delivery, as received. */
async function startWebhookReceiver() {
  const deliveries: { headers: IncomingHttpHeaders; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => {
      body += chunk;
    });
    req.on("end", () => {
      deliveries.push({ headers: req.headers, body });
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/webhooks/clerk`,
    deliveries,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

describe("the local stand-in for Clerk", () => {
  it("keeps its keys and its people across restarts of pnpm dev", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "clerk-local-"));
    const first = await start(dataDir);
    first.directory.rename(GRACE, { firstName: "Amazing Grace", lastName: "Hopper" });
    const seededMemberships = first.directory.membershipsOf(GRACE).map((m) => m.id);
    await first.close();

    const second = await start(dataDir);
    expect(second.jwtKey).toBe(first.jwtKey);
    expect(second.webhookSigningSecret).toBe(first.webhookSigningSecret);
    expect(second.directory.users().find((user) => user.id === GRACE)?.first_name).toBe("Amazing Grace");
    expect(second.directory.membershipsOf(GRACE).map((m) => m.id)).toEqual(seededMemberships);
  });

  it("sends each change as Clerk's webhooks, signed as Svix signs them", async () => {
    const receiver = await startWebhookReceiver();
    try {
      const local = await start(mkdtempSync(join(tmpdir(), "clerk-local-")), receiver.url);
      local.directory.rename(GRACE, { firstName: "Amazing Grace", lastName: "Hopper" });
      await local.webhooksSent();
      const webhook = new Webhook(local.webhookSigningSecret);
      const events = receiver.deliveries.map(({ headers, body }) => {
        // Throws unless the signature is the secret's, over these bytes, at this time.
        webhook.verify(body, {
          "svix-id": String(headers["svix-id"]),
          "svix-timestamp": String(headers["svix-timestamp"]),
          "svix-signature": String(headers["svix-signature"]),
        });
        return JSON.parse(body) as {
          type: string;
          data: { first_name?: string; public_user_data?: { first_name: string } };
        };
      });
      // The user, and Clerk's copy of the name in each of Grace's two memberships.
      expect(events.map((event) => event.type)).toEqual([
        "user.updated",
        "organizationMembership.updated",
        "organizationMembership.updated",
      ]);
      expect(events[0]?.data.first_name).toBe("Amazing Grace");
      expect(events[1]?.data.public_user_data?.first_name).toBe("Amazing Grace");
    } finally {
      await receiver.close();
    }
  });

  it("takes the dashboard's forms from its own page only", async () => {
    const local = await start(mkdtempSync(join(tmpdir(), "clerk-local-")));
    const deleteGrace = (origin: string) =>
      fetch(`${local.url}/dashboard/users/${GRACE}/delete`, {
        method: "POST",
        headers: { Origin: origin },
        redirect: "manual",
      });
    expect((await deleteGrace("http://evil.example")).status).toBe(403);
    expect(local.directory.userExists(GRACE)).toBe(true);
    expect((await deleteGrace(local.url)).status).toBe(303);
    expect(local.directory.userExists(GRACE)).toBe(false);
  });

  it("answers the Backend API for its secret key only, and ends a deleted user's sessions", async () => {
    const local = await start(mkdtempSync(join(tmpdir(), "clerk-local-")));
    expect((await fetch(`${local.url}/v1/users`)).status).toBe(401);
    const listed = await fetch(`${local.url}/v1/users?order_by=-created_at&limit=2&offset=1`, {
      headers: { Authorization: `Bearer ${local.secretKey}` },
    });
    expect(((await listed.json()) as { id: string }[]).map((user) => user.id)).toEqual([
      GRACE,
      "user_2LocalAdaLovelace0000000000",
    ]);

    const token = () =>
      fetch(`${local.url}/v1/client/sessions/sess_${GRACE.slice(5)}/tokens`, {
        method: "POST",
        headers: { Origin: WEB_ORIGIN },
      });
    expect((await token()).status).toBe(200);
    local.directory.deleteUser(GRACE);
    expect((await token()).status).toBe(404);
  });

  it("answers only requests addressed to 127.0.0.1 or localhost, not a rebound name (DNS rebinding)", async () => {
    const local = await start(mkdtempSync(join(tmpdir(), "clerk-local-")));
    const { port } = new URL(local.url);
    const rebound = await getWithHeaders(`${local.url}/`, { Host: `rebind.evil.example:${port}` });
    expect(rebound.status).toBe(421);
    expect(rebound.body).not.toContain("Grace");
    const api = await getWithHeaders(`${local.url}/v1/users`, {
      Host: `rebind.evil.example:${port}`,
      Authorization: `Bearer ${local.secretKey}`,
    });
    expect(api.status).toBe(421);
    expect((await getWithHeaders(`${local.url}/`, { Host: `localhost:${port}` })).status).toBe(200);
    expect((await getWithHeaders(`${local.url}/`, { Host: `127.0.0.1:${port}` })).status).toBe(200);
  });

  it("takes a secret key of this machine's own, kept with its keys, not one every copy of the code knows", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "clerk-local-"));
    const local = await start(dataDir);
    const other = await start(mkdtempSync(join(tmpdir(), "clerk-local-")));
    expect(local.secretKey).not.toBe(other.secretKey);
    expect(JSON.parse(readFileSync(join(dataDir, "keys.json"), "utf8"))).toMatchObject({ secretKey: local.secretKey });
    const listUsers = (secretKey: string) =>
      fetch(`${local.url}/v1/users`, { headers: { Authorization: `Bearer ${secretKey}` } });
    expect((await listUsers("sk_test_clerkLocalStandInNotAClerkKey")).status).toBe(401);
    expect((await listUsers(other.secretKey)).status).toBe(401);
    expect((await listUsers(local.secretKey)).status).toBe(200);
    await local.close();
    expect((await start(dataDir)).secretKey).toBe(local.secretKey);
  });

  it("gives its script, which names the people, to the web app's pages only, not to another site's", async () => {
    const local = await start(mkdtempSync(join(tmpdir(), "clerk-local-")));
    const script = (headers: Record<string, string>) =>
      getWithHeaders(`${local.url}/npm/@clerk/clerk-js@local/dist/clerk.browser.js`, {
        Host: new URL(local.url).host,
        ...headers,
      });
    const foreignPages: Record<string, string>[] = [
      { "Sec-Fetch-Site": "cross-site", Referer: "https://evil.example/" },
      { "Sec-Fetch-Site": "cross-site" },
      { Referer: "http://localhost:4000/" },
    ];
    for (const foreign of foreignPages) {
      const refused = await script(foreign);
      expect(refused.status).toBe(403);
      expect(refused.body).not.toContain("Grace");
    }
    const loaded = await script({ "Sec-Fetch-Site": "cross-site", Referer: `${WEB_ORIGIN}/` });
    expect(loaded.status).toBe(200);
    expect(loaded.body).toContain("Grace Hopper");
  });

  it("refuses a sign-up without a first name, and creates nobody", async () => {
    const local = await start(mkdtempSync(join(tmpdir(), "clerk-local-")));
    const signUp = await fetch(`${local.url}/v1/client/sign_ups`, {
      method: "POST",
      headers: { Origin: WEB_ORIGIN },
      body: new URLSearchParams({ first_name: "  ", last_name: "Johnson" }),
    });
    expect(signUp.status).toBe(422);
    expect(await signUp.json()).toMatchObject({ errors: [{ long_message: "First name is required" }] });
    expect(local.directory.users()).toHaveLength(3);
  });
});
