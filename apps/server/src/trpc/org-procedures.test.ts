import { useTestDatabase } from "@repo/db/testing";
import { createExpressMiddleware } from "@trpc/server/adapters/express";
import express from "express";
import { beforeEach, describe, expect, it } from "vitest";
import { authStateOf, clerkAuthMiddleware } from "../auth/clerk-auth.ts";
import { VerifiedSessionCache } from "../auth/verified-session-cache.ts";
import { createOrganizationDirectory } from "../organizations/organization-directory.ts";
import { createTestClerkInstance, type SessionTokenOptions, signSessionToken } from "../testing/clerk-session.ts";
import { TEST_WEB_ORIGIN, testClerkAuthConfig } from "../testing/test-server.ts";
import { callTrpc } from "../testing/trpc-http.ts";
import { useListeningApp } from "../testing/use-test-server.ts";
import { createUserDirectory } from "../users/user-directory.ts";
import { createInnerContext } from "./context.ts";
import { orgAdminProcedure, orgProcedure, orgProcedureRequiring, protectedProcedure, router } from "./trpc.ts";

const clerk = createTestClerkInstance();

/**
 * A router made for this test from the real builders, served the way app.ts serves the real one (Clerk's
 * verification in front, the context built from its result), so each check is seen over HTTP.
 */
const testRouter = router({
  /** Everything the context says about the caller, and what Clerk's `has()` answers for it. */
  context: protectedProcedure.query(({ ctx }) => {
    const { has, ...claims } = ctx.auth;
    return {
      claims,
      has: {
        adminRole: has({ role: "org:admin" }),
        memberRole: has({ role: "org:member" }),
        manageInvoices: has({ permission: "org:invoices:manage" }),
        readReports: has({ permission: "org:reports:read" }),
      },
    };
  }),
  current: orgProcedure.query(({ ctx }) => ({ orgId: ctx.auth.orgId, orgRole: ctx.auth.orgRole })),
  adminAction: orgAdminProcedure.mutation(({ ctx }) => ({ orgId: ctx.auth.orgId })),
  manageInvoices: orgProcedureRequiring({ permission: "org:invoices:manage" }).mutation(() => ({ done: true })),
  /** A procedure that tries to grant itself a permission on the remembered auth state. */
  tamper: orgProcedure.mutation(({ ctx }) => {
    (ctx.auth.orgPermissions as string[]).push("org:invoices:manage");
    return { tampered: true };
  }),
});

describe("organization procedures over HTTP, with Clerk's verification in front", () => {
  const cache = new VerifiedSessionCache();
  const token = (options: Partial<SessionTokenOptions> = {}) =>
    signSessionToken(clerk, { userId: "user_caller", azp: TEST_WEB_ORIGIN, ...options });
  const acme = (role: string, permissions?: string[]) => ({ id: "org_acme", slug: "acme", role, permissions });
  const t = useTestDatabase("pglite");
  const server = useListeningApp(() => {
    const users = createUserDirectory({ db: t.db, clerk: undefined });
    const organizations = createOrganizationDirectory({ db: t.db, clerk: undefined });
    return express().use(
      "/api/trpc",
      clerkAuthMiddleware(testClerkAuthConfig(clerk, { sessionCache: cache })),
      createExpressMiddleware({
        router: testRouter,
        createContext: ({ res }) => createInnerContext({ db: t.db, users, organizations }, authStateOf(res)),
      }),
    );
  });
  const call = <T = unknown>(path: string, bearer: string | undefined, type: "query" | "mutation" = "query") =>
    callTrpc<T>(server.url, path, { type, ...(bearer ? { token: bearer } : {}) });
  beforeEach(() => {
    cache.hits = 0;
    cache.misses = 0;
  });

  it("signed out: 401 before any organization check", async () => {
    for (const [path, type] of [
      ["current", "query"],
      ["adminAction", "mutation"],
    ] as const) {
      const response = await call(path, undefined, type);
      expect(response.status).toBe(401);
      expect(response.error?.data.code).toBe("UNAUTHORIZED");
    }
  });

  it("a session without an active organization: 403 saying so, on organization and admin procedures", async () => {
    const bearer = await token();
    for (const [path, type] of [
      ["current", "query"],
      ["adminAction", "mutation"],
    ] as const) {
      const response = await call(path, bearer, type);
      expect(response.status).toBe(403);
      expect(response.error?.data.reason).toBe("organization_required");
      expect(response.error?.message).toMatch(/active organization/);
    }
  });

  it("a member: the session's organization on organization procedures, 403 on admin ones", async () => {
    const bearer = await token({ org: acme("org:member") });
    expect(await call("current", bearer)).toMatchObject({
      status: 200,
      data: { orgId: "org_acme", orgRole: "org:member" },
    });
    const refused = await call("adminAction", bearer, "mutation");
    expect(refused.status).toBe(403);
    expect(refused.error?.data.reason).toBe("organization_permission_required");
    expect(refused.error?.message).toContain("org:admin");
  });

  it("an admin passes the admin check", async () => {
    const bearer = await token({ org: acme("admin") });
    expect(await call("adminAction", bearer, "mutation")).toMatchObject({ status: 200, data: { orgId: "org_acme" } });
  });

  it("a permission check follows Clerk's has(): granted by the permission, not implied by the admin role", async () => {
    const clerkMember = await token({ org: acme("org:member", ["org:invoices:manage"]) });
    expect((await call("manageInvoices", clerkMember, "mutation")).status).toBe(200);
    const admin = await token({ org: acme("org:admin", ["org:invoices:read"]) });
    const refused = await call("manageInvoices", admin, "mutation");
    expect(refused.status).toBe(403);
    expect(refused.error?.message).toContain("org:invoices:manage");
  });

  it("carries Clerk's v2 organization claims and the actor into the context, decoded by Clerk's SDK", async () => {
    const bearer = await token({
      org: acme("admin", ["org:invoices:manage", "org:invoices:read", "org:reports:read"]),
      actor: { sub: "user_support" },
    });
    const response = await call("context", bearer);
    expect(response.data).toEqual({
      claims: {
        userId: "user_caller",
        sessionId: "sess_caller",
        orgId: "org_acme",
        orgRole: "org:admin",
        orgSlug: "acme",
        orgPermissions: ["org:invoices:manage", "org:invoices:read", "org:reports:read"],
        actor: { iss: "https://dashboard.clerk.com", sid: "sess_support_dashboard", sub: "user_support" },
      },
      has: { adminRole: true, memberRole: false, manageInvoices: true, readReports: true },
    });
  });

  it("a remembered verification gives the same context and the same has() answers as the fresh one", async () => {
    const bearer = await token({ org: acme("org:member", ["org:reports:read"]), actor: { sub: "user_support" } });
    const fresh = await call("context", bearer);
    const remembered = await call("context", bearer);
    expect([cache.hits, cache.misses]).toEqual([1, 1]);
    expect(fresh.status).toBe(200);
    expect(remembered.data).toEqual(fresh.data);
    expect(remembered.data).toMatchObject({
      claims: { orgId: "org_acme", orgRole: "org:member", actor: { sub: "user_support" } },
      has: { adminRole: false, memberRole: true, readReports: true },
    });
    // And the checks built on has() answer the same from memory.
    expect((await call("adminAction", bearer, "mutation")).status).toBe(403);
    expect((await call("current", bearer)).status).toBe(200);
    expect(cache.misses).toBe(1);
  });

  it("no procedure can change what a remembered verification hands the next request", async () => {
    const bearer = await token({ org: acme("org:member", ["org:reports:read"]) });
    expect((await call("tamper", bearer, "mutation")).status).toBe(500);
    const after = await call<{ claims: { orgPermissions: string[] } }>("context", bearer);
    expect(cache.hits).toBe(1);
    expect(after.data?.claims.orgPermissions).toEqual(["org:reports:read"]);
    expect((await call("manageInvoices", bearer, "mutation")).status).toBe(403);
  });
});
