// A stand-in for Clerk's hosted browser SDK (clerk-js), served by the end-to-end test in place of
// https://<frontend-api>/npm/@clerk/clerk-js@*/dist/clerk.browser.js. It implements the part of the
// Clerk object that @clerk/react calls, so the app under test is the real production build, unchanged.
// Session tokens come from POST https://<frontend-api>/v1/client/sessions/<sid>/tokens, like the real
// SDK; the test answers that request with a token signed by its test key.
(() => {
  const config = window.__clerkStandIn;
  const storageKey = "clerk-stand-in-user";
  const listeners = new Set();
  const mounted = new Map();
  let user = null;
  let session = null;

  // Like clerk-js, a session holds its latest token; @clerk/react reads the claims from it.
  async function fetchToken(sessionId) {
    const response = await fetch(`https://${config.frontendApi}/v1/client/sessions/${sessionId}/tokens`, {
      method: "POST",
    });
    if (!response.ok) return null;
    const raw = (await response.json()).jwt;
    const payload = raw.split(".")[1].replaceAll("-", "+").replaceAll("_", "/");
    session.lastActiveToken = { jwt: { claims: JSON.parse(atob(payload)) }, getRawString: () => raw };
    return raw;
  }

  async function signIn(userId) {
    user = { id: userId, organizationMemberships: [], primaryEmailAddress: null };
    session = {
      id: `sess_${userId.slice(5)}`,
      status: "active",
      user,
      actor: null,
      factorVerificationAge: null,
      lastActiveToken: null,
      getToken: () => (session ? fetchToken(session.id) : Promise.resolve(null)),
      checkAuthorization: () => false,
    };
    localStorage.setItem(storageKey, userId);
    await fetchToken(session.id);
  }

  function resources() {
    const sessions = session ? [session] : [];
    return {
      client: { sessions, signedInSessions: sessions, activeSessions: sessions },
      session,
      user,
      organization: null,
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
      emit();
    },
    mountUserButton(node) {
      mounted.set(node, renderUserButton);
      renderUserButton(node);
    },
    unmountUserButton(node) {
      mounted.delete(node);
    },
    unmountComponent(node) {
      mounted.delete(node);
    },
    __internal_updateProps() {},
  };
  window.Clerk = clerk;
})();
