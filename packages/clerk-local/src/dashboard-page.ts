import type { ClerkUserJson } from "@repo/clerk/users";
import type { LocalDirectory } from "./local-directory.ts";
import type { WebhookDelivery } from "./webhook-sender.ts";

export type DashboardNotice = { done: string } | { problem: string };

/**
 * The local Clerk dashboard: the stand-in's users and organizations, and forms to rename a user, add a
 * member, delete a user and impersonate one. Plain HTML forms (no script), posted back to the stand-in,
 * which answers with this page again, or with the web app for an impersonation.
 */
export function dashboardPage(view: {
  directory: LocalDirectory;
  deliveries: (WebhookDelivery & { at: Date })[];
  notice: DashboardNotice | undefined;
  webOrigin: string;
}): string {
  const { directory } = view;
  const users = directory.users();
  const userOptions = users.map(
    (user) => `<option value="${escapeHtml(user.id)}">${escapeHtml(nameOf(user))}</option>`,
  );
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<title>Local Clerk dashboard</title>
<style>
  body { font: 15px/1.5 system-ui, sans-serif; margin: 0; color: #1d1d24; background: #f6f6f8; }
  main { max-width: 64rem; margin: 0 auto; padding: 1rem 1.5rem 3rem; }
  .local { background: #fff4c2; color: #3d3200; border-bottom: 1px solid #e0c95a; padding: 0.5rem 1.5rem; }
  section { background: #fff; border: 1px solid #dedee6; border-radius: 10px; padding: 1rem 1.25rem; margin: 1rem 0; }
  table { width: 100%; border-collapse: collapse; }
  th, td { text-align: start; padding: 0.4rem 0.5rem; border-top: 1px solid #ececf2; vertical-align: top; }
  form { display: inline-flex; gap: 0.35rem; align-items: center; flex-wrap: wrap; margin: 0.15rem 0; }
  input, select, button { font: inherit; padding: 0.2rem 0.45rem; }
  input { width: 8rem; }
  .muted { color: #66667a; font-size: 0.9em; }
  .done { color: #14632b; } .problem { color: #9b1c1c; }
  code { font-size: 0.92em; }
</style>
</head>
<body>
<p class="local">Local sign-in: a stand-in for Clerk on this machine, not Clerk. To use Clerk, set
<code>VITE_CLERK_PUBLISHABLE_KEY</code> and <code>CLERK_SECRET_KEY</code> in <code>.env</code> and restart
<code>pnpm dev</code>.</p>
<main>
<h1>Local Clerk dashboard</h1>
<p>Changes here reach the app as Clerk's would: a Svix-signed webhook to <code>/api/webhooks/clerk</code>
(through Inngest, when its Dev Server runs), and the reconciliation's pull. <a href="${escapeHtml(view.webOrigin)}/">Back to the app</a></p>
${view.notice ? noticeHtml(view.notice) : ""}
<section aria-labelledby="users-heading">
<h2 id="users-heading">Users</h2>
<table>
<thead><tr><th>Name</th><th>Email</th><th>Organizations</th><th>Actions</th></tr></thead>
<tbody>
${users.map((user) => userRow(directory, user)).join("\n")}
</tbody>
</table>
</section>
<section aria-labelledby="organizations-heading">
<h2 id="organizations-heading">Organizations</h2>
<table>
<thead><tr><th>Name</th><th>Members</th><th>Add a member</th></tr></thead>
<tbody>
${directory
  .organizations()
  .map((organization) => {
    const members = users.flatMap((user) =>
      directory
        .membershipsOf(user.id)
        .filter((m) => m.organization.id === organization.id)
        .map(
          (m) => `${escapeHtml(nameOf(user))} <span class="muted">(${escapeHtml(m.role.replace(/^org:/, ""))})</span>`,
        ),
    );
    return `<tr>
<th scope="row">${escapeHtml(organization.name)}<div class="muted"><code>${escapeHtml(organization.id)}</code></div></th>
<td>${members.join("<br />") || '<span class="muted">nobody</span>'}</td>
<td><form method="post" action="/dashboard/organizations/${escapeHtml(organization.id)}/members" aria-label="Add a member to ${escapeHtml(organization.name)}">
<select name="user_id" aria-label="Person">${userOptions.join("")}</select>
<select name="role" aria-label="Role"><option value="org:member">member</option><option value="org:admin">admin</option></select>
<button type="submit">Add</button>
</form></td>
</tr>`;
  })
  .join("\n")}
</tbody>
</table>
</section>
<section aria-labelledby="webhooks-heading">
<h2 id="webhooks-heading">Recent webhooks</h2>
${
  view.deliveries.length === 0
    ? '<p class="muted">None sent yet.</p>'
    : `<ul>${view.deliveries
        .map(
          (d) =>
            `<li><code>${escapeHtml(d.type)}</code>: ${d.status === 200 ? "delivered" : `not delivered (${escapeHtml(String(d.status))}); the pull brings the change in`} <span class="muted">${escapeHtml(d.at.toISOString())}</span></li>`,
        )
        .join("")}</ul>`
}
</section>
</main>
</body>
</html>
`;
}

function userRow(directory: LocalDirectory, user: ClerkUserJson): string {
  const id = escapeHtml(user.id);
  const name = escapeHtml(nameOf(user));
  const organizations = directory
    .membershipsOf(user.id)
    .map(
      (m) =>
        `${escapeHtml(m.organization.name)} <span class="muted">(${escapeHtml(m.role.replace(/^org:/, ""))})</span>`,
    );
  return `<tr>
<th scope="row">${name}<div class="muted"><code>${id}</code></div></th>
<td>${escapeHtml(user.email_addresses[0]?.email_address ?? "")}</td>
<td>${organizations.join("<br />") || '<span class="muted">none</span>'}</td>
<td>
<form method="post" action="/dashboard/users/${id}/name" aria-label="Rename ${name}">
<input name="first_name" aria-label="First name" value="${escapeHtml(user.first_name ?? "")}" required maxlength="80" />
<input name="last_name" aria-label="Last name" value="${escapeHtml(user.last_name ?? "")}" maxlength="80" />
<button type="submit">Save name</button>
</form>
<form method="post" action="/dashboard/users/${id}/impersonate" aria-label="Impersonate ${name}"><button type="submit">Impersonate</button></form>
<form method="post" action="/dashboard/users/${id}/delete" aria-label="Delete ${name}"><button type="submit">Delete</button></form>
</td>
</tr>`;
}

function noticeHtml(notice: DashboardNotice): string {
  return "problem" in notice
    ? `<p class="problem" role="alert">${escapeHtml(notice.problem)}</p>`
    : `<p class="done" role="status">${escapeHtml(notice.done)}</p>`;
}

function nameOf(user: Pick<ClerkUserJson, "first_name" | "last_name" | "id">): string {
  return [user.first_name, user.last_name].filter(Boolean).join(" ") || user.id;
}

function escapeHtml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}
