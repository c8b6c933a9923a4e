// A stand-in for Clerk's hosted browser SDK (clerk-js), served by the end-to-end test in place of
// https://<frontend-api>/npm/@clerk/clerk-js@*/dist/clerk.browser.js. It implements the part of the
// Clerk object that @clerk/react calls, so the app under test is the real production build, unchanged.
// Session tokens come from POST https://<frontend-api>/v1/client/sessions/<sid>/tokens, like the real
// SDK, whose form body names the active organization (`organization_id`, empty for the personal
// account); the test answers that request with a token signed by its test key.
//
// Organizations: config.memberships maps a user id to that user's memberships, each
// `{ organization: { id, name, slug, imageUrl }, role }`. They become user.organizationMemberships,
// <OrganizationSwitcher> lists them, and picking one calls setActive({ organization }), which makes the
// organization active (remembered across reloads, as Clerk's session remembers it) and asks for a
// token for it before anything re-renders.
(() => {
  const config = window.__clerkStandIn;
  const storageKey = "clerk-stand-in-user";
  const organizationStorageKey = "clerk-stand-in-organization";
  const listeners = new Set();
  const mounted = new Map();
  let user = null;
  let session = null;

  // Like clerk-js, a session holds its latest token; @clerk/react reads the claims from it.
  async function fetchToken(sessionId) {
    const response = await fetch(`https://${config.frontendApi}/v1/client/sessions/${sessionId}/tokens`, {
      method: "POST",
      body: new URLSearchParams({ organization_id: session?.lastActiveOrganizationId ?? "" }),
    });
    if (!response.ok) return null;
    const raw = (await response.json()).jwt;
    const payload = raw.split(".")[1].replaceAll("-", "+").replaceAll("_", "/");
    session.lastActiveToken = { jwt: { claims: JSON.parse(atob(payload)) }, getRawString: () => raw };
    return raw;
  }

  function membershipsOf(userId) {
    return (config.memberships?.[userId] ?? []).map(({ organization, role }) => ({
      id: `orgmem_${organization.id.slice(4)}_${userId.slice(5)}`,
      role,
      permissions: [],
      publicMetadata: {},
      organization: { imageUrl: "", hasImage: false, publicMetadata: {}, ...organization },
    }));
  }

  /** The membership of the session's active organization; null for the personal account. */
  function activeMembership() {
    const id = session?.lastActiveOrganizationId;
    return user?.organizationMemberships.find((m) => m.organization.id === id) ?? null;
  }

  async function signIn(userId) {
    user = { id: userId, organizationMemberships: membershipsOf(userId), primaryEmailAddress: null };
    session = {
      id: `sess_${userId.slice(5)}`,
      status: "active",
      user,
      actor: null,
      factorVerificationAge: null,
      lastActiveToken: null,
      lastActiveOrganizationId: null,
      getToken: () => (session ? fetchToken(session.id) : Promise.resolve(null)),
      checkAuthorization: () => false,
    };
    // A reload keeps the active organization, as Clerk's session does; signing in starts without one.
    const isReload = localStorage.getItem(storageKey) === userId;
    const remembered = isReload ? localStorage.getItem(organizationStorageKey) : null;
    if (user.organizationMemberships.some((m) => m.organization.id === remembered)) {
      session.lastActiveOrganizationId = remembered;
    }
    localStorage.setItem(storageKey, userId);
    localStorage.setItem(organizationStorageKey, session.lastActiveOrganizationId ?? "");
    await fetchToken(session.id);
  }

  // As clerk-js accepts it: an organization id or slug, an organization resource, or null for the
  // personal account.
  function organizationIdOf(organization) {
    if (organization === null) return null;
    const key = typeof organization === "string" ? organization : organization.id;
    const membership = user.organizationMemberships.find(
      (m) => m.organization.id === key || m.organization.slug === key,
    );
    if (!membership) throw new Error(`Clerk stand-in: ${user.id} is not a member of organization ${key}`);
    return membership.organization.id;
  }

  function resources() {
    const sessions = session ? [session] : [];
    return {
      client: { sessions, signedInSessions: sessions, activeSessions: sessions },
      session,
      user,
      organization: activeMembership()?.organization ?? null,
    };
  }

  function emit() {
    clerk.__internal_lastEmittedResources = resources();
    for (const listener of listeners) listener(clerk.__internal_lastEmittedResources);
    for (const [node, render] of mounted) render(node);
  }

  function openDialog() {
    const dialog = document.createElement("dialog");
    dialog.setAttribute("aria-label", "Sign in (Clerk stand-in)");
    const heading = document.createElement("h2");
    heading.textContent = "Sign in (Clerk stand-in)";
    const buttons = config.userIds.map((userId) => {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = `Continue as ${userId}`;
      button.addEventListener("click", async () => {
        await signIn(userId);
        dialog.close();
        dialog.remove();
        emit();
      });
      return button;
    });
    dialog.append(heading, ...buttons);
    document.body.append(dialog);
    dialog.showModal();
  }

  function renderUserButton(node) {
    node.replaceChildren();
    if (!user) return;
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = "Sign out";
    button.addEventListener("click", () => clerk.signOut());
    node.append(button);
  }

  // Clerk's switcher, reduced to what a test needs: a button naming the active organization, and a
  // menu of the personal account and the user's organizations; picking one calls setActive.
  function renderOrganizationSwitcher(node) {
    node.replaceChildren();
    if (!user) return;
    const wrapper = document.createElement("div");
    wrapper.style.position = "relative";
    const trigger = document.createElement("button");
    trigger.type = "button";
    trigger.textContent = activeMembership()?.organization.name ?? "Personal account";
    trigger.setAttribute("aria-haspopup", "menu");
    trigger.setAttribute("aria-expanded", "false");
    trigger.style.cssText = "max-width: 12rem; overflow: hidden; text-overflow: ellipsis; white-space: nowrap";
    const menu = document.createElement("div");
    menu.setAttribute("role", "menu");
    menu.setAttribute("aria-label", "Organizations (Clerk stand-in)");
    menu.hidden = true;
    menu.style.cssText =
      "position: absolute; right: 0; top: 100%; z-index: 1; min-width: 12rem; margin-top: 0.25rem;" +
      "padding: 0.25rem; background: Canvas; border: 1px solid GrayText; border-radius: 8px";
    const choices = [
      { label: "Personal account", organization: null },
      ...user.organizationMemberships.map((m) => ({ label: m.organization.name, organization: m.organization.id })),
    ];
    for (const choice of choices) {
      const item = document.createElement("button");
      item.type = "button";
      item.setAttribute("role", "menuitemradio");
      item.setAttribute("aria-checked", String(choice.organization === (session.lastActiveOrganizationId ?? null)));
      item.textContent = choice.label;
      item.style.cssText = "display: block; width: 100%; text-align: start";
      item.addEventListener("click", () => clerk.setActive({ organization: choice.organization }));
      menu.append(item);
    }
    trigger.addEventListener("click", () => {
      menu.hidden = !menu.hidden;
      trigger.setAttribute("aria-expanded", String(!menu.hidden));
    });
    wrapper.append(trigger, menu);
    node.append(wrapper);
  }

  const clerk = {
    loaded: false,
    version: "stand-in",
    frontendApi: config.frontendApi,
    publishableKey: config.publishableKey,
    isStandardBrowser: true,
    instanceType: "development",
    __internal_lastEmittedResources: undefined,
    get user() {
      return user;
    },
    get session() {
      return session;
    },
    get client() {
      return resources().client;
    },
    get organization() {
      return resources().organization;
    },
    get isSignedIn() {
      return Boolean(user);
    },
    async load() {
      const remembered = localStorage.getItem(storageKey);
      if (remembered) await signIn(remembered);
      clerk.loaded = true;
      clerk.__internal_lastEmittedResources = resources();
    },
    addListener(listener, options) {
      listeners.add(listener);
      if (!options?.skipInitialEmit && clerk.loaded) listener(resources());
      return () => listeners.delete(listener);
    },
    openSignIn: openDialog,
    openSignUp: openDialog,
    redirectToSignIn: async () => openDialog(),
    async signOut() {
      user = null;
      session = null;
      localStorage.removeItem(storageKey);
      localStorage.removeItem(organizationStorageKey);
      emit();
    },
    // Only the organization part of clerk-js's setActive: switching sessions is not stood in.
    async setActive({ organization } = {}) {
      if (!session) throw new Error("Clerk stand-in: setActive needs a signed-in session");
      if (organization === undefined) return;
      const organizationId = organizationIdOf(organization);
      session.lastActiveOrganizationId = organizationId;
      localStorage.setItem(organizationStorageKey, organizationId ?? "");
      // Like clerk-js, the session holds a token for the new organization before anyone is told.
      await fetchToken(session.id);
      emit();
    },
    mountUserButton(node) {
      mounted.set(node, renderUserButton);
      renderUserButton(node);
    },
    unmountUserButton(node) {
      mounted.delete(node);
    },
    mountOrganizationSwitcher(node) {
      mounted.set(node, renderOrganizationSwitcher);
      renderOrganizationSwitcher(node);
    },
    unmountOrganizationSwitcher(node) {
      mounted.delete(node);
    },
    __experimental_prefetchOrganizationSwitcher() {},
    unmountComponent(node) {
      mounted.delete(node);
    },
    __internal_updateProps() {},
  };
  window.Clerk = clerk;
})();
