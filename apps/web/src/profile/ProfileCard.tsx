import type { Profile } from "../api/trpc.ts";
import { Avatar } from "../ui/Avatar.tsx";
import { clerkNameOf, shownNameOf } from "./profile-names.ts";

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

function formatDate(date: Date | null): string {
  return date ? dateTime.format(date) : "never";
}

/** The synced profile as the server returned it: what Clerk knows about the user, and since when. */
export function ProfileCard({ profile }: { profile: Profile }) {
  const name = clerkNameOf(profile) ?? "No name yet";
  return (
    <section className="card profile" aria-labelledby="profile-heading">
      <Avatar imageUrl={profile.imageUrl} name={shownNameOf(profile) ?? name} size={64} />
      <div>
        <h2 id="profile-heading">{shownNameOf(profile) ?? name}</h2>
        <dl>
          <dt>Name in Clerk</dt>
          <dd data-testid="clerk-name">{name}</dd>
          <dt>Email</dt>
          <dd data-testid="email">{profile.email ?? "No primary email"}</dd>
          <dt>Signed up</dt>
          <dd>{formatDate(profile.signedUpAt)}</dd>
          <dt>Changed in Clerk</dt>
          <dd data-testid="changed-in-clerk">{formatDate(profile.changedInClerkAt)}</dd>
        </dl>
      </div>
    </section>
  );
}
