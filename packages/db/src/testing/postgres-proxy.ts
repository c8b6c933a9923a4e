import { type AddressInfo, connect, createServer, type Socket } from "node:net";

export type PostgresProxy = {
  /** The same connection string, pointed at the proxy instead of Postgres. */
  proxiedUrl(databaseUrl: string): string;
  /** Connections the proxy holds open right now, forwarded or stalled. */
  openConnections(): number;
  /** Drops every connection, as a Postgres restart or failover does, and refuses new ones until restore(). */
  cut(): void;
  /** Stops forwarding in both directions; new connections are accepted and never answered. */
  stall(): void;
  /**
   * Forwards again: new connections reach Postgres, and stalled ones resume where they stopped, unless
   * `abandonStalled`: then they stay stalled for good, as after a failover when the old server vanished
   * without closing its connections.
   */
  restore(options?: { abandonStalled?: boolean }): void;
  close(): Promise<void>;
};

type Link = { client: Socket; server: Socket | undefined };

/**
 * A TCP proxy on a loopback port in front of a Postgres server, for fault-injection tests: point a
 * database client at proxiedUrl(), then cut, stall and restore the network under it.
 */
export async function startPostgresProxy(target = { host: "127.0.0.1", port: 5432 }): Promise<PostgresProxy> {
  let mode: "forward" | "cut" | "stall" = "forward";
  const links = new Set<Link>();

  const forward = (link: Link) => {
    const server = connect(target);
    link.server = server;
    server.on("error", () => link.client.destroy());
    server.on("close", () => link.client.destroy());
    link.client.pipe(server);
    server.pipe(link.client);
  };
  const pause = (link: Link) => {
    if (!link.server) return;
    link.client.unpipe(link.server);
    link.server.unpipe(link.client);
    link.client.pause();
    link.server.pause();
  };
  const resume = (link: Link) => {
    if (!link.server) return forward(link);
    link.client.pipe(link.server);
    link.server.pipe(link.client);
  };

  const proxy = createServer((client) => {
    if (mode === "cut") {
      client.destroy();
      return;
    }
    const link: Link = { client, server: undefined };
    links.add(link);
    client.on("error", () => link.server?.destroy());
    client.on("close", () => {
      link.server?.destroy();
      links.delete(link);
    });
    if (mode === "forward") forward(link);
    else client.pause();
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  const { port } = proxy.address() as AddressInfo;

  const destroyAll = () => {
    for (const link of links) {
      link.client.destroy();
      link.server?.destroy();
    }
    links.clear();
  };

  return {
    proxiedUrl(databaseUrl) {
      const url = new URL(databaseUrl);
      url.hostname = "127.0.0.1";
      url.port = String(port);
      return url.toString();
    },
    openConnections: () => links.size,
    cut() {
      mode = "cut";
      destroyAll();
    },
    stall() {
      mode = "stall";
      for (const link of links) pause(link);
    },
    restore(options = {}) {
      if (mode === "stall" && !options.abandonStalled) for (const link of links) resume(link);
      mode = "forward";
    },
    close: () =>
      new Promise<void>((resolve) => {
        destroyAll();
        proxy.close(() => resolve());
      }),
  };
}
