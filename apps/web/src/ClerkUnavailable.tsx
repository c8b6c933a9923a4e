/** Shown when Clerk's sign-in scripts could not be loaded (offline, or blocked by an extension or proxy). */
export function ClerkUnavailable() {
  return (
    <main className="page narrow">
      <section className="card notice" role="alert">
        <h2>Sign-in could not load</h2>
        <p>
          The sign-in service did not answer. Check your connection, or allow this site's scripts if a browser extension
          blocks them, then reload.
        </p>
        <button type="button" className="primary" onClick={() => window.location.reload()}>
          Reload
        </button>
      </section>
    </main>
  );
}
