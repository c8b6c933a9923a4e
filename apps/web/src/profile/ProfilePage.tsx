import { describeApiProblem, trpc } from "../api/trpc.ts";
import { ActingAsBanner } from "./ActingAsBanner.tsx";
import { ProblemState } from "./ProblemState.tsx";
import { ProfileCard } from "./ProfileCard.tsx";
import { ProfileForm } from "./ProfileForm.tsx";

/**
 * The signed-in page: the synced profile from `user.me`, the form for the app-owned fields, and a banner
 * while someone acts as the user (impersonation).
 */
export function ProfilePage() {
  const utils = trpc.useUtils();
  const me = trpc.user.me.useQuery(undefined, {
    // A 401 or a deleted account will not fix itself by retrying; a network blip might.
    retry: (failures, error) => describeApiProblem(error).kind === "unreachable" && failures < 2,
  });
  const save = trpc.user.updateProfile.useMutation({
    onSuccess: (profile) => utils.user.me.setData(undefined, (current) => current && { ...current, profile }),
  });

  if (me.isPending) {
    return (
      <main className="page" aria-busy="true">
        <p className="muted">Loading your profile…</p>
      </main>
    );
  }
  if (me.isError) {
    return (
      <main className="page">
        <ProblemState problem={describeApiProblem(me.error)} onRetry={() => void me.refetch()} />
      </main>
    );
  }

  const { profile, actor } = me.data;
  const problem = save.error ? describeApiProblem(save.error) : undefined;
  return (
    <main className="page">
      {actor ? <ActingAsBanner actor={actor} profile={profile} /> : null}
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
    </main>
  );
}
