import type { Member } from "../api/trpc.ts";
import { Avatar } from "../ui/Avatar.tsx";

/** Clerk's role keys as people read them: `org:admin` is "Admin", a custom `org:billing_lead` "billing lead". */
export function roleLabel(role: string): string {
  if (role === "org:admin") return "Admin";
  if (role === "org:member") return "Member";
  return role.replace(/^org:/, "").replaceAll("_", " ");
}

/** The organization's live members, as the membership sync stored them; undefined while loading. */
export function MemberList({ members }: { members: Member[] | undefined }) {
  return (
    <section className="card" aria-labelledby="members-heading" aria-busy={members === undefined}>
      <h2 id="members-heading">Members</h2>
      {members === undefined ? (
        <p className="muted">Loading members…</p>
      ) : members.length === 0 ? (
        <p className="muted">No members synced yet: they appear once Clerk's webhooks arrive.</p>
      ) : (
        <ul className="members" aria-label="Members">
          {members.map((member) => (
            <li key={member.id} className="member">
              <Avatar imageUrl={member.imageUrl} name={member.name ?? member.identifier ?? member.userId} size={36} />
              <div className="member-who">
                <span className="member-name">{member.name ?? member.identifier ?? member.userId}</span>
                {member.name && member.identifier ? <span className="muted">{member.identifier}</span> : null}
              </div>
              <span className="role">{roleLabel(member.role)}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
