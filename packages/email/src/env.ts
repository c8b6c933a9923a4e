import { randomBytes } from "node:crypto";
import { optionalSetting } from "@repo/settings";
import { z } from "zod";

/** How long the workflow waits for a profile before the follow-up, unless EMAIL_FOLLOW_UP_AFTER says otherwise. */
export const DEFAULT_FOLLOW_UP_AFTER = "3d";

/** The shortest EMAIL_LINK_SECRET taken: 32 characters, so the HMAC key cannot be guessed. */
export const MIN_LINK_SECRET_LENGTH = 32;

const A_DURATION = "must be a whole number followed by s, m, h, d or w, such as 3d (three days) or 12h";

/**
 * The email settings as the server reads them. SMTP_URL names any provider's SMTP endpoint (Resend,
 * Postmark, SES, Mailgun, or the local catcher `pnpm dev` starts), so the product is tied to none.
 */
export const emailEnvSchema = z.object({
  SMTP_URL: optionalSetting.pipe(
    z
      .url({ message: "must be an SMTP URL such as smtp://user:password@smtp.example.com:587" })
      .refine((value) => !URL.canParse(value) || /^smtps?:$/.test(new URL(value).protocol), {
        message: "must start with smtp:// (STARTTLS, usually port 587) or smtps:// (TLS, usually port 465)",
      })
      .optional(),
  ),
  EMAIL_FROM: optionalSetting.pipe(
    z
      .string()
      // A line break would end the From header and start one of the sender's choosing (Bcc:...).
      .refine((value) => !/[\r\n]/.test(value), { message: "must be on one line: it becomes the From header" })
      .regex(/^([^<>]*<[^<>\s@]+@[^<>\s@]+>|[^<>\s@]+@[^<>\s@]+)$/, {
        message: "must be an address such as hello@acme.example or Acme <hello@acme.example>",
      })
      .optional(),
  ),
  EMAIL_LINK_SECRET: optionalSetting.pipe(
    z
      .string()
      .min(MIN_LINK_SECRET_LENGTH, {
        message: `must be at least ${MIN_LINK_SECRET_LENGTH} characters: generate one with \`openssl rand -base64 32\``,
      })
      .optional(),
  ),
  EMAIL_FOLLOW_UP_AFTER: optionalSetting.pipe(
    z
      .string()
      .regex(/^[1-9]\d*[smhdw]$/, A_DURATION)
      .optional(),
  ),
});

export type EmailSettings = {
  /** Where mail is sent; undefined: nothing is sent (the sync works as before). */
  smtpUrl: string | undefined;
  from: string;
  /** True when no EMAIL_FROM was given and development's stand-in sender is used. */
  fromIsDefault: boolean;
  /** Signs unsubscribe links (HMAC-SHA256). */
  linkSecret: string;
  /** True when no EMAIL_LINK_SECRET was given and one was made up for this process (links die with it). */
  linkSecretIsEphemeral: boolean;
  /** How long the welcome workflow waits for the profile before the follow-up (an Inngest duration). */
  followUpAfter: string;
};

/** Development's sender when EMAIL_FROM is unset: the local catcher accepts any. */
const DEVELOPMENT_FROM = "Clerk Inngest Stack <hello@localhost>";

/**
 * The email settings out of a parse that included emailEnvSchema. Production refuses SMTP_URL without
 * EMAIL_FROM or EMAIL_LINK_SECRET (apps/server production-settings); elsewhere they get stand-ins so
 * `pnpm dev` sends to the local catcher with nothing else to fill in.
 */
export function emailEnvFrom(parsed: z.output<typeof emailEnvSchema>): EmailSettings {
  return {
    smtpUrl: parsed.SMTP_URL,
    from: parsed.EMAIL_FROM ?? DEVELOPMENT_FROM,
    fromIsDefault: parsed.EMAIL_FROM === undefined,
    linkSecret: parsed.EMAIL_LINK_SECRET ?? randomBytes(32).toString("base64url"),
    linkSecretIsEphemeral: parsed.EMAIL_LINK_SECRET === undefined,
    followUpAfter: parsed.EMAIL_FOLLOW_UP_AFTER ?? DEFAULT_FOLLOW_UP_AFTER,
  };
}
