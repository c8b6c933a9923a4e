import { type Logger, pino } from "pino";

/**
 * The server's logger. Production writes one JSON object a line for log collectors; development writes
 * lines a person reads (pino-pretty, loaded only then, so production never imports it).
 */
export async function createLogger(options: { level: string; pretty: boolean }): Promise<Logger> {
  if (!options.pretty) return pino({ level: options.level });
  const { default: pretty } = await import("pino-pretty");
  return pino(
    { level: options.level },
    pretty({
      colorize: process.stdout.isTTY,
      // A request's line already says its method, path and status (request-logger.ts); the rest of an
      // entry follows on the same line, so each request is one line in the terminal.
      ignore: "pid,hostname,req,res,responseTime",
      singleLine: true,
    }),
  );
}
