import { ClerkFailed, ClerkLoading, OrganizationSwitcher, Show, UserButton, useAuth } from "@clerk/react";
import { lazy, Suspense } from "react";
import { ClerkUnavailable } from "./ClerkUnavailable.tsx";
import { Landing } from "./Landing.tsx";
import { LoadingPage } from "./ui/LoadingPage.tsx";

// The signed-in pages and the API client load only once someone has signed in, so a visitor's first
// page load fetches just React, Clerk's loader and the landing page. A chunk that cannot be fetched
// (offline, or a deploy has replaced it) shows a way out instead of failing the whole page.
const SignedInApp = lazy(() => import("./SignedInApp.tsx").catch(() => ({ default: SignedInPagesUnavailable })));

export function App() {
  const { userId, orgId } = useAuth();
  return (
    <>
      <header className="topbar">
        <a className="brand" href="/">
          Clerk sync starter
        </a>
        <Show when="signed-in">
          <div className="topbar-account">
            <OrganizationSwitcher />
            <UserButton />
          </div>
        </Show>
      </header>
      <ClerkLoading>
        <LoadingPage />
      </ClerkLoading>
      <ClerkFailed>
        <ClerkUnavailable />
      </ClerkFailed>
      <Show when="signed-out">
        <Landing />
      </Show>
      <Show when="signed-in">
        <Suspense fallback={<LoadingPage />}>
          {/* Keyed by user and organization: signing in as someone else, or switching organization,
              starts from an empty cache, so nobody ever sees data fetched for the previous one, not
              even for the moment a refetch takes. */}
          <SignedInApp key={`${userId}:${orgId ?? "personal"}`} />
        </Suspense>
      </Show>
    </>
  );
}

function SignedInPagesUnavailable() {
  return (
    <main className="page narrow">
      <section className="card notice" role="alert">
        <h2>This page could not load</h2>
        <p>Part of the app did not download. Check your connection, then reload.</p>
        <button type="button" className="primary" onClick={() => window.location.reload()}>
          Reload
        </button>
      </section>
    </main>
  );
}
