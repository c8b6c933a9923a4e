import { describeApiProblem, trpc } from "../api/trpc.ts";
import { ProblemState } from "../ui/ProblemState.tsx";
import { QueryPage } from "../ui/QueryPage.tsx";
import { EmailPreferencesCard } from "./EmailPreferencesCard.tsx";
import { ProfileCard } from "./ProfileCard.tsx";
import { ProfileForm } from "./ProfileForm.tsx";

/**
 * The profile page: the synced profile from `user.me` and the form for the app-owned fields. (The
 * impersonation banner is SignedInApp's, above every signed-in page.)
 */
export function ProfilePage() {
  const utils = trpc.useUtils();
  const me = trpc.user.me.useQuery();
  const save = trpc.user.updateProfile.useMutation({
    onSuccess: (profile) => utils.user.me.setData(undefined, (current) => current && { ...current, profile }),
  });
  const problem = save.error ? describeApiProblem(save.error) : undefined;
  return (
    <QueryPage query={me} loadingText="Loading your profile…">
      {({ profile }) => (
        <>
          <ProfileCard profile={profile} />
          {problem && problem.kind !== "invalid-input" && problem.kind !== "other" ? (
            <ProblemState problem={problem} onRetry={() => save.reset()} />
          ) : (
            <ProfileForm
              key={profile.id}
              profile={profile}
              isSaving={save.isPending}
              onSave={(values) => save.mutate(values)}
              fieldErrors={problem?.kind === "invalid-input" ? problem.fieldErrors : undefined}
              formError={problem?.kind === "other" ? problem.message : undefined}
              savedAt={save.isSuccess ? new Date(save.submittedAt) : undefined}
            />
          )}
          <EmailPreferencesCard />
        </>
      )}
    </QueryPage>
  );
}
