import { ClerkFailed, ClerkLoading, Show, UserButton, useAuth } from "@clerk/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useState } from "react";
import { createTrpcClient, trpc } from "./api/trpc.ts";
import { ClerkUnavailable } from "./ClerkUnavailable.tsx";
import { Landing } from "./Landing.tsx";
import { ProfilePage } from "./profile/ProfilePage.tsx";

export function App() {
  const { getToken } = useAuth();
  const [queryClient] = useState(() => new QueryClient());
  const [trpcClient] = useState(() => createTrpcClient(() => getToken()));
  return (
    <trpc.Provider client={trpcClient} queryClient={queryClient}>
      <QueryClientProvider client={queryClient}>
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
      </QueryClientProvider>
    </trpc.Provider>
  );
}
