// tsx (`pnpm dev`) compiles this with the tsconfig of the directory it runs in, which does not cover this
// package: the pragma keeps React 17+'s automatic JSX runtime here whoever compiles it. @jsxRuntime automatic
import { Body, Container, Head, Html, Preview, Section, Text } from "@react-email/components";
import type { ReactNode } from "react";

/** What every email shares: one column, system fonts, and a footer saying why it came. */
export function EmailLayout(props: { preview: string; footer: string; children: ReactNode }) {
  return (
    <Html lang="en">
      <Head />
      <Preview>{props.preview}</Preview>
      <Body style={body}>
        <Container style={container}>
          <Section>{props.children}</Section>
          <Text style={footer}>{props.footer}</Text>
        </Container>
      </Body>
    </Html>
  );
}

/** "Hi Ada," with a first name, "Hi," without: Clerk does not always have one. */
export function greetingOf(firstName: string | null): string {
  return firstName ? `Hi ${firstName},` : "Hi,";
}

const body = {
  backgroundColor: "#f6f7f9",
  fontFamily: "-apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif",
  color: "#1f2328",
};
const container = {
  backgroundColor: "#ffffff",
  margin: "32px auto",
  padding: "32px",
  maxWidth: "520px",
  borderRadius: "8px",
};
const footer = { color: "#6a737d", fontSize: "12px", marginTop: "32px" };

export const paragraph = { fontSize: "16px", lineHeight: "24px" };
export const button = {
  backgroundColor: "#2f5fd0",
  color: "#ffffff",
  padding: "12px 20px",
  borderRadius: "6px",
  fontSize: "16px",
  textDecoration: "none",
};
