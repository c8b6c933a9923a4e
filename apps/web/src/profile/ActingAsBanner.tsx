import type { Actor, Profile } from "../api/trpc.ts";
import { shownNameOf } from "./profile-names.ts";

/**
 * Shown on every signed-in page while someone acts as the user through Clerk's impersonation, so the
 * person at the keyboard never forgets that what they do here is done as someone else.
 */
export function ActingAsBanner({ actor, profile }: { actor: Actor; profile: Profile }) {
  const name = shownNameOf(profile) ?? profile.email ?? profile.id;
  return (
    <section className="acting-as" aria-label="Impersonation">
      <h2>Acting as {name}</h2>
      <p>
        You, <code>{actor.userId}</code>, are signed in as this user through impersonation. Everything you do here is
        done as them.
      </p>
    </section>
  );
}
