import { SignInButton, SignUpButton } from "@clerk/react";

/** What a signed-out visitor sees: what the app does, and the way in. */
export function Landing() {
  return (
    <main className="page narrow">
      <h1>Your account, in your own database</h1>
      <p>
        Sign in with Clerk, and your profile is copied into this app's own Postgres table, kept in step with Clerk
        through Inngest. Edit the parts that belong to this app, like your display name and bio.
      </p>
      <div className="actions">
        <SignInButton mode="modal">
          <button type="button" className="primary">
            Sign in
          </button>
        </SignInButton>
        <SignUpButton mode="modal">
          <button type="button">Create an account</button>
        </SignUpButton>
      </div>
    </main>
  );
}
