import { useId } from "react";
import { trpc } from "../api/trpc.ts";

/**
 * The "product emails" switch: the same preference the follow-up email's unsubscribe link turns off.
 * The welcome email is transactional, so it is not mentioned as something to turn off.
 */
export function EmailPreferencesCard() {
  const utils = trpc.useUtils();
  const preferences = trpc.emailPreferences.get.useQuery();
  const change = trpc.emailPreferences.setProductEmails.useMutation({
    onSuccess: (saved) => utils.emailPreferences.get.setData(undefined, saved),
  });
  const ids = { hint: useId(), status: useId() };
  const isOn = change.isPending
    ? (change.variables?.productEmails ?? false)
    : (preferences.data?.productEmails ?? false);
  const problem = change.error ?? preferences.error;
  return (
    <section className="card" aria-labelledby={`${ids.hint}-heading`}>
      <h2 id={`${ids.hint}-heading`}>Emails</h2>
      <label className="switch">
        <input
          type="checkbox"
          role="switch"
          checked={isOn}
          aria-checked={isOn}
          disabled={!preferences.data || change.isPending}
          aria-describedby={`${ids.hint} ${ids.status}`}
          onChange={(event) => change.mutate({ productEmails: event.target.checked })}
        />
        Product emails
      </label>
      <p id={ids.hint} className="muted">
        Reminders such as finishing your profile. Emails about your account itself are always sent.
      </p>
      <p id={ids.status} aria-live="polite" className={problem ? "error-text" : "muted"}>
        {problem ? "This setting could not be loaded or saved. Try again." : change.isSuccess ? "Saved" : ""}
      </p>
    </section>
  );
}
