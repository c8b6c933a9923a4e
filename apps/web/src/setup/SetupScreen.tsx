/** Shown instead of a blank page when the app has no Clerk publishable key yet. */
export function SetupScreen() {
  return (
    <main className="page narrow">
      <h1>One step left: connect Clerk</h1>
      <p>
        This app signs people in with Clerk, and it needs your Clerk application's <strong>publishable key</strong> to
        do that.
      </p>
      <ol className="steps">
        <li>
          Open the <a href="https://dashboard.clerk.com">Clerk dashboard</a>, pick your application, and go to{" "}
          <strong>Configure &gt; API keys</strong>.
        </li>
        <li>
          Copy <code>.env.example</code> to <code>.env</code> at the root of this repository.
        </li>
        <li>
          Set <code>VITE_CLERK_PUBLISHABLE_KEY</code> to the key that starts with <code>pk_test_</code> or{" "}
          <code>pk_live_</code> (the server reads it too), and <code>CLERK_SECRET_KEY</code> to the secret key.
        </li>
        <li>
          Restart <code>pnpm dev</code>.
        </li>
      </ol>
    </main>
  );
}
