// tsx (`pnpm dev`) compiles this with the tsconfig of the directory it runs in, which does not cover this
// package: the pragma keeps React 17+'s automatic JSX runtime here whoever compiles it. @jsxRuntime automatic
import { render } from "@react-email/render";
import type { ReactElement } from "react";
import { FOLLOW_UP_SUBJECT, FollowUpEmail, type FollowUpEmailProps } from "./FollowUpEmail.tsx";
import { WELCOME_SUBJECT, WelcomeEmail, type WelcomeEmailProps } from "./WelcomeEmail.tsx";

export type { FollowUpEmailProps, WelcomeEmailProps };

/** The kinds of email the product sends, as recorded per user in email_sends. */
export type EmailKind = "welcome" | "follow-up";

/** One email, ready for the transport: its HTML and its plain-text part render from the same component. */
export type ComposedEmail = { subject: string; html: string; text: string };

async function compose(subject: string, element: ReactElement): Promise<ComposedEmail> {
  const [html, text] = await Promise.all([render(element), render(element, { plainText: true })]);
  return { subject, html, text };
}

export function composeWelcomeEmail(props: WelcomeEmailProps): Promise<ComposedEmail> {
  return compose(WELCOME_SUBJECT, <WelcomeEmail {...props} />);
}

export function composeFollowUpEmail(props: FollowUpEmailProps): Promise<ComposedEmail> {
  return compose(FOLLOW_UP_SUBJECT, <FollowUpEmail {...props} />);
}
