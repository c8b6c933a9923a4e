// tsx (`pnpm dev`) compiles this with the tsconfig of the directory it runs in, which does not cover this
// package: the pragma keeps React 17+'s automatic JSX runtime here whoever compiles it. @jsxRuntime automatic
import { Button, Heading, Text } from "@react-email/components";
import { button, EmailLayout, greetingOf, paragraph } from "./layout.tsx";

export type WelcomeEmailProps = {
  firstName: string | null;
  /** The web app, where the user signs in. */
  appUrl: string;
};

export const WELCOME_SUBJECT = "Welcome aboard";

/** Sent once, when the account is created. Transactional: the product-emails switch does not apply. */
export function WelcomeEmail({ firstName, appUrl }: WelcomeEmailProps) {
  return (
    <EmailLayout
      preview="Your account is ready."
      footer="You are receiving this email because you created an account. It is sent once."
    >
      <Heading as="h1">Welcome aboard</Heading>
      <Text style={paragraph}>{greetingOf(firstName)}</Text>
      <Text style={paragraph}>Your account is ready. Sign in any time to pick up where you left off.</Text>
      <Button href={appUrl} style={button}>
        Open the app
      </Button>
    </EmailLayout>
  );
}
