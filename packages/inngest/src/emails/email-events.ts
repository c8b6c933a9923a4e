import { clerkUserId } from "@repo/clerk/ids";
import { eventType } from "inngest";
import { z } from "zod";

/**
 * Sent by the server's `user.updateProfile` once the user has a display name: what the welcome workflow
 * waits for before it would send the follow-up. Carries the user's id and nothing else.
 */
export const userProfileCompleted = eventType("app/user.profile-completed", {
  schema: z.object({ userId: clerkUserId }),
});
