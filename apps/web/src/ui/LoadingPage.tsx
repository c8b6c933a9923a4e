/**
 * A busy page while something loads. Imports nothing: the landing page's chunk (App.tsx) uses it, so it
 * must not pull in the tRPC client.
 */
export function LoadingPage({ text = "Loading…" }: { text?: string }) {
  return (
    <main className="page" aria-busy="true">
      <p className="muted">{text}</p>
    </main>
  );
}
