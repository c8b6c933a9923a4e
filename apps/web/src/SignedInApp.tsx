import { useAuth } from "@clerk/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { lazy, type MouseEvent, type ReactNode, Suspense, useEffect, useState } from "react";
import { createTrpcClient, retryWhenUnreachable, trpc } from "./api/trpc.ts";
import { ActingAsBanner } from "./profile/ActingAsBanner.tsx";
import { ProfilePage } from "./profile/ProfilePage.tsx";
import { LoadingPage } from "./ui/LoadingPage.tsx";
import { NotFoundPage } from "./ui/NotFoundPage.tsx";

// The organization page is a chunk of its own, fetched when someone opens it.
const OrganizationPage = lazy(() => import("./organization/OrganizationPage.tsx"));
// So is the operators' console, fetched only for an operator: nobody else downloads it, or its charts.
const OpsPage = lazy(() => import("./ops/OpsPage.tsx"));

const ORGANIZATION_PATH = "/organization";
const OPS_PATH = "/ops";

/**
 * Everything only a signed-in person sees, loaded as its own chunk (App.tsx imports it lazily): the
 * tRPC client, React Query and the pages behind sign-in stay out of the landing page's JavaScript.
 */
export default function SignedInApp() {
  return (
    <ApiProviders>
      <SignedInPages />
    </ApiProviders>
  );
}

/**
 * The impersonation banner above every page, the page links while an organization is active, and the
 * page the address names (the server answers every page address with the app).
 */
function SignedInPages() {
  const { orgId } = useAuth();
  const [path, navigate] = useLocationPath();
  // Whether to offer the console; the server checks again on every ops call, whatever this says.
  const isOperator = trpc.auth.whoami.useQuery().data?.isOperator === true;
  const showsOrganization = Boolean(orgId) && path === ORGANIZATION_PATH;
  const showsOps = path === OPS_PATH;
  return (
    <>
      <div className="page-chrome">
        <ImpersonationBanner />
        {orgId || isOperator ? (
          <nav className="page-nav" aria-label="Pages">
            <PageLink href="/" isCurrent={!showsOrganization && !showsOps} navigate={navigate}>
              Profile
            </PageLink>
            {orgId ? (
              <PageLink href={ORGANIZATION_PATH} isCurrent={showsOrganization} navigate={navigate}>
                Organization
              </PageLink>
            ) : null}
            {isOperator ? (
              <PageLink href={OPS_PATH} isCurrent={showsOps} navigate={navigate}>
                Operations
              </PageLink>
            ) : null}
          </nav>
        ) : null}
      </div>
      {showsOps ? (
        <OpsRoute />
      ) : showsOrganization ? (
        <LazyPage>
          <OrganizationPage />
        </LazyPage>
      ) : (
        <ProfilePage />
      )}
    </>
  );
}

/** The console for an operator; for anyone else the page does not exist, as far as they can tell. */
function OpsRoute() {
  const whoami = trpc.auth.whoami.useQuery();
  if (whoami.isPending) return <LoadingPage />;
  if (whoami.data?.isOperator !== true) return <NotFoundPage />;
  return (
    <LazyPage>
      <OpsPage />
    </LazyPage>
  );
}

function LazyPage({ children }: { children: ReactNode }) {
  return <Suspense fallback={<LoadingPage />}>{children}</Suspense>;
}

/** While someone acts as the user (Clerk's impersonation, as `user.me` reports it), on every page. */
function ImpersonationBanner() {
  const me = trpc.user.me.useQuery();
  const actor = me.data?.actor;
  return actor && me.data ? <ActingAsBanner actor={actor} profile={me.data.profile} /> : null;
}

function PageLink(props: { href: string; isCurrent: boolean; navigate: (path: string) => void; children: ReactNode }) {
  function follow(event: MouseEvent<HTMLAnchorElement>) {
    // A modified click (new tab, new window) is the browser's to handle.
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    props.navigate(props.href);
  }
  return (
    <a href={props.href} aria-current={props.isCurrent ? "page" : undefined} onClick={follow}>
      {props.children}
    </a>
  );
}

/** The address's path, kept in step with the back and forward buttons; navigate() pushes a new entry. */
function useLocationPath(): [string, (path: string) => void] {
  const [path, setPath] = useState(() => window.location.pathname);
  useEffect(() => {
    const onPopState = () => setPath(window.location.pathname);
    window.addEventListener("popstate", onPopState);
    return () => window.removeEventListener("popstate", onPopState);
  }, []);
  const navigate = (to: string) => {
    if (to !== window.location.pathname) window.history.pushState(null, "", to);
    setPath(to);
  };
  return [path, navigate];
}

/** tRPC and React Query for one signed-in user in one organization (App.tsx keys this by both). */
function ApiProviders({ children }: { children: ReactNode }) {
  const { getToken } = useAuth();
  // Every query retries only what may fix itself (see retryWhenUnreachable); mutations never retry.
  const [queryClient] = useState(
    () => new QueryClient({ defaultOptions: { queries: { retry: retryWhenUnreachable } } }),
  );
  const [trpcClient] = useState(() => createTrpcClient(() => getToken()));
  return (
    <trpc.Provider client={trpcClient} queryClient={queryClient}>
      <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
    </trpc.Provider>
  );
}
