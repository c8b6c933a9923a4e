import { ClerkProvider } from "@clerk/react";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App.tsx";
import { readWebEnv } from "./env.ts";
import { SetupScreen } from "./setup/SetupScreen.tsx";
import "./styles.css";

const { clerkPublishableKey } = readWebEnv();
const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root element");

createRoot(root).render(
  <StrictMode>
    {clerkPublishableKey ? (
      <ClerkProvider publishableKey={clerkPublishableKey} afterSignOutUrl="/">
        <App />
      </ClerkProvider>
    ) : (
      <SetupScreen />
    )}
  </StrictMode>,
);
