import type { Profile } from "../api/trpc.ts";

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

function formatDate(date: Date | null): string {
  return date ? dateTime.format(date) : "never";
}

/** The synced row as the server returned it: what Clerk knows about the user, and when we copied it. */
export function ProfileCard({ profile }: { profile: Profile }) {
  const name = [profile.first_name, profile.last_name].filter(Boolean).join(" ") || profile.username || "No name yet";
  return (
    <section className="card profile" aria-labelledby="profile-heading">
      {profile.image_url ? <img className="avatar" src={profile.image_url} alt="" width={64} height={64} /> : null}
      <div>
        <h2 id="profile-heading">{profile.display_name || name}</h2>
        <dl>
          <dt>Name in Clerk</dt>
          <dd data-testid="clerk-name">{name}</dd>
          <dt>Email</dt>
          <dd data-testid="email">{profile.email ?? "No primary email"}</dd>
          <dt>Changed in Clerk</dt>
          <dd>{formatDate(profile.clerk_updated_at)}</dd>
          <dt>Synced here</dt>
          <dd>{formatDate(profile.synced_at)}</dd>
        </dl>
      </div>
    </section>
  );
}
