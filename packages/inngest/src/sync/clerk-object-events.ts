import { forwardedEventName } from "@repo/clerk/webhooks";
import { eventType } from "inngest";
import type { z } from "zod";

/** A Clerk object whose webhooks are forwarded, as Clerk's webhook types name it (`organizationMembership`). */
type ClerkObject = "user" | "organization" | "organizationMembership";

type Schema = z.ZodType<Record<string, unknown>, Record<string, unknown>>;
/**
 * A schema as eventType takes it: one without a transform. eventType checks that on its own type
 * parameter, which a generic caller cannot resolve; asked of the caller's argument, it is checked there.
 */
type EventSchema<S extends Schema> = S & NonNullable<Parameters<typeof eventType<string, S>>[1]>["schema"];

/**
 * A Clerk object's three webhooks as the Inngest events `clerk/<object>.created`, `.updated` and
 * `.deleted` (forwardedEventName: the names Clerk's own Inngest transformation template uses). They carry
 * either our webhook's reduced object or Clerk's whole `data` (Inngest's own Clerk integration); the
 * schemas accept both. A function triggered by one of these types (the welcome workflow) has Inngest
 * validate the event against its schema before the handler runs: one that does not fit fails at once
 * (NonRetriableError), naming the field. The batched sync functions trigger on the names alone and parse
 * each event themselves (see createBatchedSyncFunction), so one bad event never fails its batch.
 */
export function clerkObjectEvents<Object extends ClerkObject, Live extends Schema, Deleted extends Schema>(
  object: Object,
  schemas: { live: EventSchema<Live>; deleted: EventSchema<Deleted> },
) {
  const event = <Verb extends "created" | "updated" | "deleted", S extends Schema>(
    verb: Verb,
    schema: EventSchema<S>,
  ) => eventType<`clerk/${Object}.${Verb}`, S>(forwardedEventName(`${object}.${verb}`), { schema });
  return {
    created: event("created", schemas.live),
    updated: event("updated", schemas.live),
    deleted: event("deleted", schemas.deleted),
  };
}
