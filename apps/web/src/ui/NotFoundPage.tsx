/** An address the app has no page for, or one the signed-in user may not see: the same answer for both. */
export function NotFoundPage() {
  return (
    <main className="page">
      <section className="card notice" role="alert">
        <h2>Page not found</h2>
        <p>
          There is no page at this address. <a href="/">Go to your profile</a>.
        </p>
      </section>
    </main>
  );
}
