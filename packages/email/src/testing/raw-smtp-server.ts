import net, { type AddressInfo } from "node:net";

/**
 * How the raw server treats one connection. smtp-server cannot misbehave the way real networks and
 * servers do (a greeting that never comes, a connection dropped right after the message), so this
 * speaks the protocol by hand over `net`:
 * - `accept`: 250 to everything, the message included;
 * - `never-greet`: takes the TCP connection and says nothing;
 * - `close-after-message` / `reset-after-message`: reads the whole message, its final "." included,
 *   then closes (FIN) or resets (RST) without a reply;
 * - `stall-after-message`: after the final ".", sends `250-still thinking` every `stallEveryMs` and
 *   never the reply's last line;
 * - `{ reply, to }`: answers that stage with that reply code, and everything else with 250.
 */
export type RawSmtpMode =
  | "accept"
  | "never-greet"
  | "close-after-message"
  | "reset-after-message"
  | "stall-after-message"
  | { reply: number; to: RawSmtpStage };

export type RawSmtpStage = "greeting" | "EHLO" | "AUTH" | "MAIL" | "RCPT" | "DATA" | "message";

export type RawSmtpServer = {
  /** `smtp://[user:pass@]host:port` */
  url(credentials?: { user: string; pass: string }): string;
  /** Queues the modes of the next connections, in order; after them, connections are accepted. */
  next(...modes: RawSmtpMode[]): void;
  /** How many messages reached their final "." (whatever the reply). */
  readonly messagesReceived: number;
  /** Every command line the clients sent, outside message data (AUTH lines included, as sent). */
  readonly commands: string[];
  close(): Promise<void>;
};

export async function startRawSmtpServer(
  options: { host?: string; advertise?: string[]; stallEveryMs?: number } = {},
): Promise<RawSmtpServer> {
  const host = options.host ?? "127.0.0.1";
  const extensions = ["8BITMIME", ...(options.advertise ?? [])];
  const modes: RawSmtpMode[] = [];
  const commands: string[] = [];
  const sockets = new Set<net.Socket>();
  let messagesReceived = 0;

  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
    const mode = modes.shift() ?? "accept";
    const replyTo = (stage: RawSmtpStage, accepted: string) =>
      typeof mode === "object" && mode.to === stage ? `${mode.reply} refused by the raw test server` : accepted;
    if (mode === "never-greet") return;
    socket.write(`${replyTo("greeting", "220 raw.test ESMTP")}\r\n`);
    let inData = false;
    let buffered = "";
    socket.on("data", (chunk) => {
      buffered += chunk.toString("utf8");
      for (let end = buffered.indexOf("\r\n"); end >= 0; end = buffered.indexOf("\r\n")) {
        const line = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        if (inData) {
          if (line !== ".") continue;
          inData = false;
          messagesReceived++;
          if (mode === "close-after-message") socket.end();
          else if (mode === "reset-after-message") socket.resetAndDestroy();
          else if (mode === "stall-after-message") {
            const drip = setInterval(() => socket.write("250-still thinking\r\n"), options.stallEveryMs ?? 100);
            socket.on("close", () => clearInterval(drip));
          } else socket.write(`${replyTo("message", "250 queued")}\r\n`);
          continue;
        }
        commands.push(line);
        const verb = line.split(" ")[0]?.toUpperCase();
        if (verb === "EHLO") {
          const lines = ["raw.test", ...extensions];
          const reply = lines.map((text, i) => `250${i === lines.length - 1 ? " " : "-"}${text}`).join("\r\n");
          socket.write(`${replyTo("EHLO", reply)}\r\n`);
        } else if (verb === "AUTH") socket.write(`${replyTo("AUTH", "235 authenticated")}\r\n`);
        else if (verb === "MAIL") socket.write(`${replyTo("MAIL", "250 sender ok")}\r\n`);
        else if (verb === "RCPT") socket.write(`${replyTo("RCPT", "250 recipient ok")}\r\n`);
        else if (verb === "DATA") {
          const reply = replyTo("DATA", "354 go ahead");
          inData = reply.startsWith("354");
          socket.write(`${reply}\r\n`);
        } else if (verb === "QUIT") socket.end("221 bye\r\n");
        else socket.write("502 not implemented\r\n");
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  const hostInUrl = net.isIPv6(host) ? `[${host}]` : host;
  return {
    url: (credentials) =>
      `smtp://${credentials ? `${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.pass)}@` : ""}${hostInUrl}:${port}`,
    next: (...next) => {
      modes.push(...next);
    },
    get messagesReceived() {
      return messagesReceived;
    },
    commands,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
