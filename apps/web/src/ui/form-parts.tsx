import { cloneElement, type ReactElement } from "react";

/**
 * A labelled form field with its hint and the server's message for it; the control (input, textarea)
 * is given the ids that tie the three together for screen readers.
 */
export function Field(props: {
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

/** Where a form's last save stands, as the page tells it. */
export type SaveStatus = {
  isSaving: boolean;
  /** A failure that is not about one field (a refusal, the network). */
  formError?: string | undefined;
  /** Set after a successful save. */
  savedAt?: Date | undefined;
};

/**
 * A form's Save button and its status line: the failure that is not about one field, or when the last
 * save landed. The status line is a live region, so a screen reader announces either.
 */
export function SaveActions(
  props: SaveStatus & {
    /** The status line's id, which the form names in its aria-describedby. */
    statusId: string;
  },
) {
  const { statusId, isSaving, formError, savedAt } = props;
  return (
    <div className="actions">
      <button type="submit" className="primary" disabled={isSaving} aria-busy={isSaving}>
        {isSaving ? "Saving…" : "Save"}
      </button>
      <p id={statusId} role="status" aria-live="polite" className={formError ? "error-text" : "muted"}>
        {formError ?? (savedAt && !isSaving ? `Saved at ${savedAt.toLocaleTimeString()}` : "")}
      </p>
    </div>
  );
}
