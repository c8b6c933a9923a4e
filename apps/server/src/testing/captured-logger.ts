import { Writable } from "node:stream";
import { type Logger, pino } from "pino";

export type LogEntry = { level: number; msg?: string; [field: string]: unknown };

/** A pino logger whose lines are kept, parsed, for a test to read; and each line's raw text. */
export function createCapturedLogger(level = "info"): { logger: Logger; entries: LogEntry[]; lines: string[] } {
  const entries: LogEntry[] = [];
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      const line = chunk.toString();
      lines.push(line);
      entries.push(JSON.parse(line) as LogEntry);
      done();
    },
  });
  return { logger: pino({ level }, sink), entries, lines };
}
