import { randomUUID } from "node:crypto";
import { Webhook } from "svix";
import { TEST_WEBHOOK_SECRET } from "./test-server.ts";

/** A Clerk webhook delivery as Svix sends it: the event JSON, and the three svix-* headers signing it. */
export function signClerkWebhook(
  event: { type: string; data: unknown },
  options: { secret?: string; at?: Date; svixId?: string; rawBody?: string } = {},
) {
  const svixId = options.svixId ?? `msg_${randomUUID().replaceAll("-", "")}`;
  const at = options.at ?? new Date();
  const body =
    options.rawBody ??
    JSON.stringify({
      object: "event",
      type: event.type,
      data: event.data,
      timestamp: at.getTime(),
      instance_id: "ins_2testInstanceKeyId",
      event_attributes: { http_request: { client_ip: "127.0.0.1", user_agent: "test" } },
    });
  const signature = new Webhook(options.secret ?? TEST_WEBHOOK_SECRET).sign(svixId, at, body);
  return {
    svixId,
    body,
    headers: {
      "Content-Type": "application/json",
      "svix-id": svixId,
      "svix-timestamp": Math.floor(at.getTime() / 1000).toString(),
      "svix-signature": signature,
    },
  };
}
