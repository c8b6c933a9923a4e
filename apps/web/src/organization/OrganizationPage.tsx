import { useAuth } from "@clerk/react";
import { describeApiProblem, trpc } from "../api/trpc.ts";
import { ProblemState } from "../ui/ProblemState.tsx";
import { QueryPage } from "../ui/QueryPage.tsx";
import { MemberList } from "./MemberList.tsx";
import { OrganizationCard } from "./OrganizationCard.tsx";
import { OrganizationForm } from "./OrganizationForm.tsx";

/**
 * The active organization as our database has it (`org.current`), its members (`org.members`) and, for
 * its admins, the form for the app-owned description. The form is hidden from members to spare them a
 * refusal; the server refuses them whatever the page shows.
 */
export default function OrganizationPage() {
  const { has } = useAuth();
  const isAdmin = has?.({ role: "org:admin" }) ?? false;
  const utils = trpc.useUtils();
  const current = trpc.org.current.useQuery();
  const members = trpc.org.members.useQuery();
  const save = trpc.org.updateProfile.useMutation({
    onSuccess: (organization) => utils.org.current.setData(undefined, organization),
  });
  const problem = save.error ? describeApiProblem(save.error) : undefined;
  return (
    <QueryPage query={current} loadingText="Loading your organization…">
      {(organization) => (
        <>
          <OrganizationCard organization={organization} />
          {members.isError ? (
            <ProblemState problem={describeApiProblem(members.error)} onRetry={() => void members.refetch()} />
          ) : (
            <MemberList members={members.data} />
          )}
          {isAdmin ? (
            <OrganizationForm
              // A save puts the stored text (trimmed, normalized) back in the field.
              key={`${organization.id}:${organization.description ?? ""}`}
              organization={organization}
              isSaving={save.isPending}
              onSave={(values) => save.mutate(values)}
              fieldErrors={problem?.kind === "invalid-input" ? problem.fieldErrors : undefined}
              formError={problem && problem.kind !== "invalid-input" ? describeSaveProblem(problem) : undefined}
              savedAt={save.isSuccess ? new Date(save.submittedAt) : undefined}
            />
          ) : (
            <p className="muted" data-testid="admins-only">
              Only this organization's admins can change its description.
            </p>
          )}
        </>
      )}
    </QueryPage>
  );
}

function describeSaveProblem(problem: ReturnType<typeof describeApiProblem>): string {
  switch (problem.kind) {
    case "unauthorized":
      return "Your session has expired: sign in again.";
    case "unreachable":
      return "Can't reach the server: check your connection and try again.";
    case "other":
      return problem.message;
    default:
      return "The server refused the change.";
  }
}
