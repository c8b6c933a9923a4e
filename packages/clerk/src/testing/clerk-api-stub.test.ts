import { createClerkClient } from "@clerk/backend";
import { isClerkAPIResponseError } from "@clerk/backend/errors";
import { describe, expect, it } from "vitest";
import { isClerkOrganizationsNotEnabled } from "../api-errors.ts";
import { clerkMembershipJson, clerkOrganizationJson, clerkUserJson } from "./clerk-fixtures.ts";
import { useClerkApiStub } from "./use-clerk-api-stub.ts";

// The stub is held to Clerk's published spec (see its header): these are its unhappy answers, which the
// tests of the reconciliation and of the server rely on being Clerk's.

const ORGANIZATIONS_NOT_ENABLED = {
  errors: [
    {
      code: "organization_not_enabled_in_instance",
      message: "access denied",
      long_message:
        "The organizations feature is not enabled for this instance. You can enable it at https://dashboard.clerk.com.",
      meta: {},
    },
  ],
  clerk_trace_id: expect.any(String),
};

describe("the Clerk Backend API stub", () => {
  const stub = useClerkApiStub();

  async function get(path: string) {
    const response = await fetch(`${stub.url}${path}`);
    return { status: response.status, headers: response.headers, body: (await response.json()) as unknown };
  }

  /** The error the Clerk SDK throws for `call`, or undefined when it succeeds. */
  async function sdkError(call: (clerk: ReturnType<typeof createClerkClient>) => Promise<unknown>) {
    const clerk = createClerkClient({ secretKey: "sk_test_offline", apiUrl: stub.url });
    return call(clerk).then(
      () => undefined,
      (error: unknown) => error,
    );
  }

  it("is a new instance: organizations off, every organization endpoint a 403 organization_not_enabled_in_instance", async () => {
    const organization = clerkOrganizationJson();
    stub.organizations.set(organization.id, organization);
    for (const path of [
      "/v1/organizations",
      `/v1/organizations/${organization.id}`,
      `/v1/organizations/${organization.id}/memberships`,
      "/v1/organization_memberships",
      "/v1/users/user_someone/organization_memberships",
    ]) {
      expect(await get(path), path).toMatchObject({ status: 403, body: ORGANIZATIONS_NOT_ENABLED });
    }
    const error = await sdkError((clerk) => clerk.organizations.getOrganizationList({ limit: 10 }));
    expect(isClerkAPIResponseError(error) && [error.status, error.errors[0]?.code]).toEqual([
      403,
      "organization_not_enabled_in_instance",
    ]);
    expect(isClerkOrganizationsNotEnabled(error)).toBe(true);
    // The users' endpoints do not depend on the feature.
    expect((await get("/v1/users")).status).toBe(200);
  });

  it("answers organizations once they are turned on, and reset() turns them off again", async () => {
    const organization = clerkOrganizationJson();
    stub.organizations.set(organization.id, organization);
    stub.memberships.set("orgmem_one", clerkMembershipJson(organization, clerkUserJson(), { id: "orgmem_one" }));
    stub.organizationsEnabled = true;
    expect(await get("/v1/organizations")).toMatchObject({
      status: 200,
      body: { data: [{ id: organization.id }], total_count: 1 },
    });
    expect(await get(`/v1/organizations/${organization.id}/memberships`)).toMatchObject({
      status: 200,
      body: { data: [{ id: "orgmem_one" }], total_count: 1 },
    });
    stub.reset();
    expect((await get("/v1/organizations")).status).toBe(403);
  });

  it("a 403 of another code is not organizations being off", async () => {
    stub.failNext(1, 403, { code: "authorization_invalid" });
    const error = await sdkError((clerk) => clerk.organizations.getOrganizationList({ limit: 10 }));
    expect(isClerkAPIResponseError(error) && error.status).toBe(403);
    expect(isClerkOrganizationsNotEnabled(error)).toBe(false);
  });

  it("answers 404 resource_not_found in Clerk's error shape for what it does not have", async () => {
    stub.organizationsEnabled = true;
    for (const path of [
      "/v1/users/user_missing",
      "/v1/organizations/org_missing",
      "/v1/organizations/org_missing/memberships",
    ]) {
      expect(await get(path), path).toMatchObject({
        status: 404,
        body: {
          errors: [
            { code: "resource_not_found", message: expect.any(String), long_message: expect.any(String), meta: {} },
          ],
          clerk_trace_id: expect.any(String),
        },
      });
    }
  });

  it.each([
    ["/v1/users?limit=0", "limit"],
    ["/v1/users?limit=501", "limit"],
    ["/v1/users?limit=ten", "limit"],
    ["/v1/users?offset=-1", "offset"],
    ["/v1/users?order_by=-name", "order_by"],
    ["/v1/users?order_by=created_at;drop", "order_by"],
    ["/v1/organizations?limit=501", "limit"],
    ["/v1/organizations?order_by=-updated_at", "order_by"], // organizations sort by name, created_at, members_count
    ["/v1/organizations/org_one/memberships?offset=1.5", "offset"],
    ["/v1/organizations/org_one/memberships?order_by=%2Bupdated_at", "order_by"],
  ])("answers 422 naming the parameter for %s", async (path, param) => {
    stub.organizationsEnabled = true;
    stub.organizations.set("org_one", clerkOrganizationJson({ id: "org_one" }));
    expect(await get(path)).toMatchObject({
      status: 422,
      body: { errors: [{ code: expect.stringMatching(/^form_param_/), meta: { param_name: param } }] },
    });
  });

  it("pages with Clerk's defaults: 10 newest first, users as a bare array", async () => {
    const users = Array.from({ length: 12 }, (_, i) => clerkUserJson({ created_at: 1_700_000_000_000 + i }));
    for (const user of users) stub.users.set(user.id, user);
    const newestFirst = users.map((user) => user.id).reverse();
    expect(((await get("/v1/users")).body as { id: string }[]).map((user) => user.id)).toEqual(
      newestFirst.slice(0, 10),
    );
    const oldestFirst = await get("/v1/users?order_by=%2Bcreated_at&offset=10&limit=500");
    expect((oldestFirst.body as { id: string }[]).map((user) => user.id)).toEqual([users[10]?.id, users[11]?.id]);
  });

  it("answers 429 with Retry-After in seconds, which the SDK hands on as retryAfter", async () => {
    stub.failNext(1, 429, { retryAfterSeconds: 5 });
    const limited = await get("/v1/users");
    expect(limited).toMatchObject({
      status: 429,
      body: { errors: [{ code: "too_many_requests", meta: {} }], clerk_trace_id: expect.any(String) },
    });
    expect(limited.headers.get("retry-after")).toBe("5");
    stub.failNext(1, 429, { retryAfterSeconds: 5 });
    const error = await sdkError((clerk) => clerk.users.getUser("user_any"));
    expect(isClerkAPIResponseError(error) && [error.status, error.retryAfter]).toEqual([429, 5]);
  });
});

describe("the Clerk Backend API stub with Clerk's rate limit on", () => {
  const stub = useClerkApiStub({ rateLimit: { requests: 3, windowMs: 60_000 } });

  it("answers 429 with Retry-After to a request over the limit in its window, and counts it", async () => {
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await fetch(`${stub.url}/v1/users/count`)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await fetch(`${stub.url}/v1/users/count`);
    expect([limited.status, Number(limited.headers.get("Retry-After"))]).toEqual([429, 60]);
    expect(stub.rateLimited).toBe(2);
  });
});
