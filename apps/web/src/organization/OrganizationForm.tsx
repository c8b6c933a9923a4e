import { type FormEvent, useId, useState } from "react";
import type { Organization } from "../api/trpc.ts";
import { Field, SaveActions, type SaveStatus } from "../ui/form-parts.tsx";

export const DESCRIPTION_MAX = 500;

export type OrganizationFormProps = SaveStatus & {
  organization: Organization;
  onSave: (values: { description: string }) => void;
  /** Messages from the server, per field, for the last attempt. */
  fieldErrors?: Record<string, string[] | undefined> | undefined;
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
  const ids = { description: useId(), status: useId() };

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
      <Field
        id={ids.description}
        label="Description"
        hint={`What members see on this page. Up to ${DESCRIPTION_MAX} characters.`}
        error={fieldErrors?.description?.[0]}
      >
        <textarea
          id={ids.description}
          name="description"
          rows={4}
          value={description}
          onChange={(e) => setDescription(e.target.value)}
        />
      </Field>
      <SaveActions statusId={ids.status} isSaving={isSaving} formError={formError} savedAt={savedAt} />
    </form>
  );
}
