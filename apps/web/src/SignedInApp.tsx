import { useAuth } from "@clerk/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { type ReactNode, useState } from "react";
import { createTrpcClient, trpc } from "./api/trpc.ts";
import { ProfilePage } from "./profile/ProfilePage.tsx";

/**
 * Everything only a signed-in person sees, loaded as its own chunk (App.tsx imports it lazily): the
 * tRPC client, React Query and the pages behind sign-in stay out of the landing page's JavaScript.
 */
export default function SignedInApp() {
  return (
    <ApiProviders>
      <ProfilePage />
    </ApiProviders>
  );
}

/** tRPC and React Query for one signed-in user in one organization (App.tsx keys this by both). */
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
