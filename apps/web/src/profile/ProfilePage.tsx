import { describeApiProblem, trpc } from "../api/trpc.ts";
import { ProblemState } from "./ProblemState.tsx";
import { ProfileCard } from "./ProfileCard.tsx";
import { ProfileForm } from "./ProfileForm.tsx";

/** The signed-in page: the synced profile from `user.me`, and the form for the app-owned fields. */
export function ProfilePage() {
  const utils = trpc.useUtils();
  const me = trpc.user.me.useQuery(undefined, {
    // A 401 or a deleted account will not fix itself by retrying; a network blip might.
    retry: (failures, error) => describeApiProblem(error).kind === "unreachable" && failures < 2,
  });
  const save = trpc.user.updateProfile.useMutation({
    onSuccess: (updated) => utils.user.me.setData(undefined, updated),
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

  const problem = save.error ? describeApiProblem(save.error) : undefined;
  return (
    <main className="page">
      <ProfileCard profile={me.data} />
      {problem && problem.kind !== "invalid-input" && problem.kind !== "other" ? (
        <ProblemState problem={problem} onRetry={() => save.reset()} />
      ) : (
        <ProfileForm
          key={me.data.id}
          profile={me.data}
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
