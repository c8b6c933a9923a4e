import type { AddressInfo } from "node:net";
import type { Express } from "express";
import type { Logger } from "pino";

export type RunningServer = { url: string; close(): Promise<void> };

/**
 * Listens, and on SIGTERM/SIGINT stops accepting connections, lets in-flight requests finish (up to
 * `graceMs`), then runs onClosed (closing the database) and exits.
 */
export function listenWithGracefulShutdown(
  app: Express,
  options: { port: number; host: string | undefined; logger: Logger; onClosed: () => Promise<void>; graceMs?: number },
): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const server = app.listen(options.port, options.host ?? "::", (error) => {
      if (error) return reject(error);
      const { port } = server.address() as AddressInfo;
      resolve({ url: `http://localhost:${port}`, close });
    });
    let closing: Promise<void> | undefined;
    function close() {
      closing ??= new Promise<void>((done) => {
        // Keep-alive connections whose request finishes after this point go idle later; sweep them
        // as they do, so shutdown ends when the last in-flight response is sent, not at the deadline.
        const sweep = setInterval(() => server.closeIdleConnections(), 50);
        server.close(() => {
          clearInterval(sweep);
          done();
        });
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), options.graceMs ?? 10_000).unref();
      }).then(options.onClosed);
      return closing;
    }
    for (const signal of ["SIGTERM", "SIGINT"] as const) {
      process.once(signal, () => {
        options.logger.info({ signal }, "shutting down: finishing in-flight requests");
        close().then(
          () => process.exit(0),
          (error) => {
            options.logger.error({ err: error }, "shutdown failed");
            process.exit(1);
          },
        );
      });
    }
  });
}
