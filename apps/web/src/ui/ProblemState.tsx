import { SignOutButton, useClerk } from "@clerk/react";
import type { ApiProblem } from "../api/trpc.ts";

/** A clear next step for each way a call to the server can fail; never a blank card. */
export function ProblemState({ problem, onRetry }: { problem: ApiProblem; onRetry: () => void }) {
  switch (problem.kind) {
    case "unauthorized":
      return (
        <section className="card notice" role="alert">
          <h2>Your session has expired</h2>
          <p>Sign in again to keep going. Nothing you saved is lost.</p>
          <SignInAgainButton />
        </section>
      );
    case "user-deleted":
      return (
        <section className="card notice" role="alert">
          <h2>This account was deleted</h2>
          <p>The account you are signed in with no longer exists in Clerk, and its profile here has been erased.</p>
          <SignOutButton>
            <button type="button" className="primary">
              Sign out
            </button>
          </SignOutButton>
        </section>
      );
    case "unreachable":
      return (
        <section className="card notice" role="alert">
          <h2>Can't reach the server</h2>
          <p>Check your connection; the server may also be restarting.</p>
          <button type="button" className="primary" onClick={onRetry}>
            Try again
          </button>
        </section>
      );
    default:
      return (
        <section className="card notice" role="alert">
          <h2>Something went wrong</h2>
          <p>{problem.kind === "other" ? problem.message : "The server refused the request."}</p>
          <button type="button" className="primary" onClick={onRetry}>
            Try again
          </button>
        </section>
      );
  }
}

/**
 * Clerk still counts this browser as signed in (the server refused its token), and Clerk opens no
 * sign-in form over a live session: end it first, then ask for a fresh sign-in.
 */
function SignInAgainButton() {
  const clerk = useClerk();
  return (
    <button
      type="button"
      className="primary"
      onClick={async () => {
        await clerk.signOut();
        clerk.openSignIn();
      }}
    >
      Sign in again
    </button>
  );
}
