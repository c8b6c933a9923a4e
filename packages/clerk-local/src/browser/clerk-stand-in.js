// A stand-in for Clerk's hosted browser SDK (clerk-js), served in place of
// https://<frontend-api>/npm/@clerk/clerk-js@*/dist/clerk.browser.js: by the end-to-end tests (through
// playwright-frontend.ts), and by local mode (clerk-local-server.ts, which `pnpm dev` starts when no Clerk
// keys are set). It implements the part of the Clerk object that @clerk/react calls, so the app is the
// real one, unchanged. Session tokens come from POST <frontend-api>/v1/client/sessions/<sid>/tokens, like
// the real SDK, whose form body names the active organization (`organization_id`, empty for the personal
// account); the test, or the local stand-in, answers with a token signed by its own key.
//
// config (window.__clerkStandIn): `frontendApi` (host) or `frontendApiUrl` (origin, for an http one);
// `users` ([{ id, label }]) or `userIds`, whom the sign-in dialog offers; `memberships`; and `local`
// ({ dashboardUrl }) in local mode, which adds sign-up with any name, sign-in with an impersonation
// ticket (`?__clerk_ticket=`), and a notice on every page that this is local sign-in, not Clerk.
//
// Organizations: config.memberships maps a user id to that user's memberships, each
// `{ organization: { id, name, slug, imageUrl }, role }`. They become user.organizationMemberships,
// <OrganizationSwitcher> lists them, and picking one calls setActive({ organization }), which makes the
// organization active (remembered across reloads, as Clerk's session remembers it) and asks for a
// token for it before anything re-renders.
(() => {
  const config = window.__clerkStandIn;
  const frontendApiUrl = config.frontendApiUrl ?? `https://${config.frontendApi}`;
  const people = config.users ?? config.userIds.map((id) => ({ id, label: id }));
  const storageKey = "clerk-stand-in-user";
  const sessionStorageKey = "clerk-stand-in-session";
  const organizationStorageKey = "clerk-stand-in-organization";
  const listeners = new Set();
  const mounted = new Map();
  let user = null;
  let session = null;

  // Like clerk-js, a session holds its latest token; @clerk/react reads the claims from it.
  async function fetchToken(sessionId) {
    const response = await fetch(`${frontendApiUrl}/v1/client/sessions/${sessionId}/tokens`, {
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

  /** A session of its own (an impersonation) has its id from the stand-in; any other is named after the user. */
  async function signIn(userId, sessionId = `sess_${userId.slice(5)}`) {
    user = { id: userId, organizationMemberships: membershipsOf(userId), primaryEmailAddress: null };
    session = {
      id: sessionId,
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
    localStorage.setItem(sessionStorageKey, sessionId);
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

  function forgetSession() {
    user = null;
    session = null;
    localStorage.removeItem(storageKey);
    localStorage.removeItem(sessionStorageKey);
    localStorage.removeItem(organizationStorageKey);
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
    const finish = async (userId) => {
      await signIn(userId);
      dialog.close();
      dialog.remove();
      emit();
    };
    const buttons = people.map(({ id, label }) => {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = `Continue as ${label}`;
      button.style.cssText = "display: block; margin: 0.25rem 0";
      button.addEventListener("click", () => finish(id));
      return button;
    });
    dialog.append(heading, ...buttons);
    if (config.local) dialog.append(signUpForm(finish));
    document.body.append(dialog);
    dialog.showModal();
  }

  // Local mode: anyone can join under any name; the stand-in creates the user (and sends user.created).
  function signUpForm(finish) {
    const form = document.createElement("form");
    form.setAttribute("aria-label", "Sign up (local)");
    const fields = ["First name", "Last name"].map((label) => {
      const wrapper = document.createElement("label");
      wrapper.style.cssText = "display: block; margin: 0.25rem 0";
      const input = document.createElement("input");
      input.name = label === "First name" ? "first_name" : "last_name";
      input.required = label === "First name";
      wrapper.append(`${label} `, input);
      return wrapper;
    });
    const submit = document.createElement("button");
    submit.type = "submit";
    submit.textContent = "Sign up";
    const problem = document.createElement("p");
    problem.setAttribute("role", "alert");
    const heading = document.createElement("h3");
    heading.textContent = "Or sign up with any name";
    form.append(heading, ...fields, submit, problem);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const response = await fetch(`${frontendApiUrl}/v1/client/sign_ups`, {
        method: "POST",
        body: new URLSearchParams(new FormData(form)),
      });
      const answer = await response.json();
      if (!response.ok) {
        problem.textContent = answer.errors?.[0]?.long_message ?? "Could not sign up";
        return;
      }
      people.push({ id: answer.user_id, label: answer.label });
      await finish(answer.user_id);
    });
    return form;
  }

  // Local mode, on every page: this is not Clerk, and how to switch to it.
  function showLocalNotice() {
    const notice = document.createElement("aside");
    notice.setAttribute("aria-label", "Local sign-in");
    notice.style.cssText =
      "position: sticky; top: 0; z-index: 10; padding: 0.4rem 1rem; font: 14px/1.4 system-ui, sans-serif;" +
      "background: #fff4c2; color: #3d3200; border-bottom: 1px solid #e0c95a";
    const dashboard = document.createElement("a");
    dashboard.href = config.local.dashboardUrl;
    dashboard.textContent = "local Clerk dashboard";
    notice.append(
      "Local sign-in: a stand-in for Clerk on this machine, not Clerk. To sign in with Clerk, set ",
      code("VITE_CLERK_PUBLISHABLE_KEY"),
      " and ",
      code("CLERK_SECRET_KEY"),
      " in .env and restart pnpm dev. People and organizations: ",
      dashboard,
      ".",
    );
    document.body.prepend(notice);
  }

  function code(text) {
    const element = document.createElement("code");
    element.textContent = text;
    return element;
  }

  /** Impersonation from the local dashboard: it sends the browser here with a one-time ticket. */
  async function signInWithTicket(ticket) {
    const response = await fetch(`${frontendApiUrl}/v1/client/sign_ins`, {
      method: "POST",
      body: new URLSearchParams({ strategy: "ticket", ticket }),
    });
    if (!response.ok) return false;
    const answer = await response.json();
    await signIn(answer.user_id, answer.session_id);
    return true;
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
      const ticket = config.local ? new URL(location.href).searchParams.get("__clerk_ticket") : null;
      if (ticket) {
        const url = new URL(location.href);
        url.searchParams.delete("__clerk_ticket");
        history.replaceState(history.state, "", url);
      }
      const remembered = localStorage.getItem(storageKey);
      if (ticket && (await signInWithTicket(ticket))) {
        // Signed in as the person impersonated.
      } else if (remembered) {
        await signIn(remembered, localStorage.getItem(sessionStorageKey) || undefined);
        // A session the stand-in no longer knows (its user was deleted) ends here, as Clerk's would.
        if (!session.lastActiveToken) forgetSession();
      }
      if (config.local) showLocalNotice();
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
      forgetSession();
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
