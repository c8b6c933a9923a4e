export { userProfileCompleted } from "./email-events.ts";
export { UNSUBSCRIBE_PATH, type WelcomeWorkflowDeps } from "./welcome-workflow.ts";
