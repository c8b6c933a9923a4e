import { ClerkFailed, ClerkLoading, Show, UserButton, useAuth } from "@clerk/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { type ReactNode, useState } from "react";
import { createTrpcClient, trpc } from "./api/trpc.ts";
import { ClerkUnavailable } from "./ClerkUnavailable.tsx";
import { Landing } from "./Landing.tsx";
import { ProfilePage } from "./profile/ProfilePage.tsx";

export function App() {
  const { userId } = useAuth();
  return (
    // Keyed by user: a sign-in as someone else starts from an empty cache, so nobody ever sees the
    // previous user's profile, not even for the moment a refetch takes.
    <ApiProviders key={userId ?? "signed-out"}>
      <header className="topbar">
        <a className="brand" href="/">
          Clerk sync starter
        </a>
        <Show when="signed-in">
          <UserButton />
        </Show>
      </header>
      <ClerkLoading>
        <main className="page" aria-busy="true">
          <p className="muted">Loading…</p>
        </main>
      </ClerkLoading>
      <ClerkFailed>
        <ClerkUnavailable />
      </ClerkFailed>
      <Show when="signed-out">
        <Landing />
      </Show>
      <Show when="signed-in">
        <ProfilePage />
      </Show>
    </ApiProviders>
  );
}

/** tRPC and React Query for one signed-in user (or for nobody). */
function ApiProviders({ children }: { children: ReactNode }) {
  const { getToken } = useAuth();
  const [queryClient] = useState(() => new QueryClient());
  const [trpcClient] = useState(() => createTrpcClient(() => getToken()));
  return (
    <trpc.Provider client={trpcClient} queryClient={queryClient}>
      <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
    </trpc.Provider>
  );
}
