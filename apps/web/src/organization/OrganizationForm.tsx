import { type FormEvent, useId, useState } from "react";
import type { Organization } from "../api/trpc.ts";

export const DESCRIPTION_MAX = 500;

export type OrganizationFormProps = {
  organization: Organization;
  onSave: (values: { description: string }) => void;
  isSaving: boolean;
  /** Messages from the server, per field, for the last attempt. */
  fieldErrors?: Record<string, string[] | undefined> | undefined;
  /** A failure that is not about the field (a refusal, the network). */
  formError?: string | undefined;
  /** Set after a successful save. */
  savedAt?: Date | undefined;
};

/** The organization's app-owned description, for its admins. Clerk's fields are changed in Clerk. */
export function OrganizationForm({
  organization,
  onSave,
  isSaving,
  fieldErrors,
  formError,
  savedAt,
}: OrganizationFormProps) {
  const [description, setDescription] = useState(organization.description ?? "");
  const ids = { description: useId(), hint: useId(), error: useId(), status: useId() };
  const error = fieldErrors?.description?.[0];

  function submit(event: FormEvent) {
    event.preventDefault();
    onSave({ description });
  }

  return (
    <form
      className="card"
      onSubmit={submit}
      aria-label="Organization description"
      aria-describedby={ids.status}
      noValidate
    >
      <h2>About this organization</h2>
      <div className="field">
        <label htmlFor={ids.description}>Description</label>
        <p id={ids.hint} className="muted">
          What members see on this page. Up to {DESCRIPTION_MAX} characters.
        </p>
        <textarea
          id={ids.description}
          name="description"
          rows={4}
          value={description}
          aria-describedby={error ? `${ids.hint} ${ids.error}` : ids.hint}
          aria-invalid={Boolean(error)}
          onChange={(e) => setDescription(e.target.value)}
        />
        {error ? (
          <p id={ids.error} className="error-text">
            {error}
          </p>
        ) : null}
      </div>
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
