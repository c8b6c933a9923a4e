import { cloneElement, type FormEvent, type ReactElement, useId, useState } from "react";
import type { Profile } from "../api/trpc.ts";

export type ProfileFormValues = { displayName: string; bio: string };

export type ProfileFormProps = {
  profile: Profile;
  onSave: (values: ProfileFormValues) => void;
  isSaving: boolean;
  /** Messages from the server, per field, for the last attempt. */
  fieldErrors?: Partial<Record<keyof ProfileFormValues, string[] | undefined>>;
  /** A failure that is not about one field. */
  formError?: string | undefined;
  /** Set after a successful save. */
  savedAt?: Date | undefined;
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
      <div className="actions">
        <button type="submit" className="primary" disabled={isSaving} aria-busy={isSaving}>
          {isSaving ? "Saving…" : "Save"}
        </button>
        <p id={ids.status} role="status" aria-live="polite" className={formError ? "error-text" : "muted"}>
          {formError ?? (savedAt && !isSaving ? `Saved at ${savedAt.toLocaleTimeString()}` : "")}
        </p>
      </div>
    </form>
  );
}

function Field(props: {
  id: string;
  label: string;
  hint: string;
  error: string | undefined;
  children: ReactElement<Record<string, unknown>>;
}) {
  const hintId = `${props.id}-hint`;
  const errorId = `${props.id}-error`;
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      <p id={hintId} className="muted">
        {props.hint}
      </p>
      {cloneElement(props.children, {
        "aria-describedby": props.error ? `${hintId} ${errorId}` : hintId,
        "aria-invalid": Boolean(props.error),
      })}
      {props.error ? (
        <p id={errorId} className="error-text">
          {props.error}
        </p>
      ) : null}
    </div>
  );
}
