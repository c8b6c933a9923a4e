// tsx (`pnpm dev`) compiles this with the tsconfig of the directory it runs in, which does not cover this
// package: the pragma keeps React 17+'s automatic JSX runtime here whoever compiles it. @jsxRuntime automatic
import { Button, Heading, Link, Text } from "@react-email/components";
import { button, EmailLayout, greetingOf, paragraph } from "./layout.tsx";

export type FollowUpEmailProps = {
  firstName: string | null;
  /** The profile page of the web app. */
  profileUrl: string;
  /** The signed one-click unsubscribe link, also in the List-Unsubscribe header. */
  unsubscribeUrl: string;
};

export const FOLLOW_UP_SUBJECT = "Finish setting up your profile";

/** Sent when the profile is still unfinished after the wait. A product email: the user can opt out. */
export function FollowUpEmail({ firstName, profileUrl, unsubscribeUrl }: FollowUpEmailProps) {
  return (
    <EmailLayout
      preview="Add a display name so people know who you are."
      footer="You are receiving this because product emails are on for your account."
    >
      <Heading as="h1">Finish setting up your profile</Heading>
      <Text style={paragraph}>{greetingOf(firstName)}</Text>
      <Text style={paragraph}>
        Your profile has no display name yet. It takes a minute, and it is how others see you in the app.
      </Text>
      <Button href={profileUrl} style={button}>
        Finish your profile
      </Button>
      <Text style={{ ...paragraph, fontSize: "13px" }}>
        Rather not get emails like this? <Link href={unsubscribeUrl}>Unsubscribe from product emails</Link>.
      </Text>
    </EmailLayout>
  );
}
