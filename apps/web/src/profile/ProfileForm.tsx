import { type FormEvent, useId, useState } from "react";
import type { Profile } from "../api/trpc.ts";
import { Field, SaveActions, type SaveStatus } from "../ui/form-parts.tsx";

export type ProfileFormValues = { displayName: string; bio: string };

export type ProfileFormProps = SaveStatus & {
  profile: Profile;
  onSave: (values: ProfileFormValues) => void;
  /** Messages from the server, per field, for the last attempt. */
  fieldErrors?: Partial<Record<keyof ProfileFormValues, string[] | undefined>>;
};

export const DISPLAY_NAME_MAX = 80;
export const BIO_MAX = 500;

/** The app-owned fields. Clerk-owned fields are changed in Clerk (the user menu), not here. */
export function ProfileForm({ profile, onSave, isSaving, fieldErrors, formError, savedAt }: ProfileFormProps) {
  const [values, setValues] = useState<ProfileFormValues>({
    displayName: profile.displayName ?? "",
    bio: profile.bio ?? "",
  });
  const ids = { displayName: useId(), bio: useId(), status: useId() };
  const errorFor = (field: keyof ProfileFormValues) => fieldErrors?.[field]?.[0];

  function submit(event: FormEvent) {
    event.preventDefault();
    onSave(values);
  }

  return (
    <form className="card" onSubmit={submit} aria-describedby={ids.status} noValidate>
      <h2>Your profile in this app</h2>
      <Field
        id={ids.displayName}
        label="Display name"
        hint={`What others see. Up to ${DISPLAY_NAME_MAX} characters.`}
        error={errorFor("displayName")}
      >
        <input
          id={ids.displayName}
          name="displayName"
          value={values.displayName}
          autoComplete="nickname"
          onChange={(e) => setValues({ ...values, displayName: e.target.value })}
        />
      </Field>
      <Field
        id={ids.bio}
        label="Bio"
        hint={`A few words about you. Up to ${BIO_MAX} characters.`}
        error={errorFor("bio")}
      >
        <textarea
          id={ids.bio}
          name="bio"
          rows={4}
          value={values.bio}
          onChange={(e) => setValues({ ...values, bio: e.target.value })}
        />
      </Field>
      <SaveActions statusId={ids.status} isSaving={isSaving} formError={formError} savedAt={savedAt} />
    </form>
  );
}
