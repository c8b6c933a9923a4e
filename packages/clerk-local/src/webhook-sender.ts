import { Webhook } from "svix";
import type { ClerkEvent } from "./local-directory.ts";
import { newId } from "./local-directory.ts";

export type WebhookDelivery = { type: string; status: number | "unreachable" };

/**
 * Sends Clerk's webhooks as Svix delivers them: the event envelope Clerk sends, signed with the
 * `whsec_` secret into the three svix-* headers, POSTed to the app's /api/webhooks/clerk. One at a time,
 * in order, as Svix does for one endpoint. A failed delivery is reported, not retried: in local mode the
 * reconciliation's pull brings the change in anyway.
 */
export function createWebhookSender(options: {
  url: () => string;
  signingSecret: string;
  onDelivered(delivery: WebhookDelivery): void;
}): (events: ClerkEvent[]) => Promise<void> {
  const webhook = new Webhook(options.signingSecret);
  let queue = Promise.resolve();
  const deliver = async (event: ClerkEvent) => {
    const id = newId("msg");
    const at = new Date();
    const body = JSON.stringify({
      object: "event",
      type: event.type,
      data: event.data,
      timestamp: at.getTime(),
      instance_id: "ins_2ClerkLocalStandIn000000000",
      event_attributes: { http_request: { client_ip: "127.0.0.1", user_agent: "clerk-local" } },
    });
    let status: WebhookDelivery["status"];
    try {
      const response = await fetch(options.url(), {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          "svix-id": id,
          "svix-timestamp": Math.floor(at.getTime() / 1000).toString(),
          "svix-signature": webhook.sign(id, at, body),
        },
        body,
        signal: AbortSignal.timeout(15_000),
      });
      status = response.status;
      await response.body?.cancel();
    } catch {
      status = "unreachable";
    }
    options.onDelivered({ type: event.type, status });
  };
  return (events) => {
    queue = queue.then(async () => {
      for (const event of events) await deliver(event);
    });
    return queue;
  };
}
