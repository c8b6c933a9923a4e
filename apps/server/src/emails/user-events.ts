import type { InngestClient } from "@repo/inngest/client";
import { userProfileCompleted } from "@repo/inngest/emails";
import type { Logger } from "pino";

/** The Inngest events procedures send about users. */
export type UserEvents = {
  /** The user set a display name: the welcome workflow stops waiting and sends no follow-up. */
  profileCompleted(userId: string): void;
};

/**
 * Sent without holding up the caller's request: the profile is saved either way, and the workflow checks
 * the profile itself before a follow-up, so a lost event costs nothing but an early end to its wait.
 * A failure is logged with the user id, never more.
 */
export function createUserEvents(inngest: InngestClient, logger: Logger): UserEvents {
  return {
    profileCompleted(userId) {
      inngest.send(userProfileCompleted.create({ userId })).catch((error: unknown) => {
        logger.warn({ err: error, userId }, "could not send app/user.profile-completed to Inngest");
      });
    },
  };
}
