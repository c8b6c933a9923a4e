import { readWebEnv } from "./env.ts";

type Props = {
  publishableKey?: string | undefined;
  /** `navigator.onLine`: false is the one case the browser can tell apart with certainty. */
  isOnline?: boolean;
  /** `pnpm dev`: the person reading is the developer who pasted the key, so the key's name is shown. */
  isDevelopment?: boolean;
};

/**
 * Shown when Clerk's sign-in scripts could not be loaded. The browser cannot tell a key naming a Clerk
 * application that does not exist (its Frontend API host does not answer) from a blocked or dropped
 * connection, except when it knows it is offline; so, unless offline, the key is named first: on a first
 * run, a mistyped or foreign key is the likeliest cause.
 */
export function ClerkUnavailable({
  publishableKey = readWebEnv().clerkPublishableKey,
  isOnline = globalThis.navigator?.onLine ?? true,
  isDevelopment = import.meta.env.DEV,
}: Props) {
  const host = publishableKey ? frontendApiHostOf(publishableKey) : undefined;
  return (
    <main className="page narrow">
      <section className="card notice" role="alert">
        <h2>Sign-in could not load</h2>
        {!isOnline ? (
          <p>This browser is offline. Check your connection, then reload.</p>
        ) : isDevelopment ? (
          <p>
            Clerk did not answer at <code>{host ?? "the address in the publishable key"}</code>, the address the
            publishable key names. Check the key first: <code>VITE_CLERK_PUBLISHABLE_KEY</code> (and the server's{" "}
            <code>CLERK_PUBLISHABLE_KEY</code>) must be your application's, copied from the Clerk dashboard (API keys).
            If it is, check your connection, or allow this site's scripts if a browser extension blocks them, then
            reload.
          </p>
        ) : (
          <p>
            The sign-in service did not answer. Check your connection, or allow this site's scripts if a browser
            extension blocks them, then reload.
          </p>
        )}
        <button type="button" className="primary" onClick={() => window.location.reload()}>
          Reload
        </button>
      </section>
    </main>
  );
}

/** A publishable key is `pk_test_` or `pk_live_` and the base64 of the Frontend API host followed by `$`. */
function frontendApiHostOf(publishableKey: string): string | undefined {
  try {
    const decoded = atob(publishableKey.replace(/^pk_(test|live)_/, ""));
    return decoded.endsWith("$") ? decoded.slice(0, -1) : undefined;
  } catch {
    return undefined;
  }
}
