import type { Organization } from "../api/trpc.ts";
import { Avatar } from "../ui/Avatar.tsx";

/** The active organization as our database has it: Clerk's name, slug and logo, and the app's description. */
export function OrganizationCard({ organization }: { organization: Organization }) {
  return (
    <section className="card profile" aria-labelledby="organization-heading">
      <Avatar imageUrl={organization.imageUrl} name={organization.name} size={64} />
      <div>
        <h2 id="organization-heading">{organization.name}</h2>
        <dl>
          <dt>Slug</dt>
          <dd data-testid="organization-slug">{organization.slug ?? "None"}</dd>
          <dt>Description</dt>
          <dd data-testid="organization-description" className="multiline">
            {organization.description ?? "No description yet"}
          </dd>
        </dl>
      </div>
    </section>
  );
}
