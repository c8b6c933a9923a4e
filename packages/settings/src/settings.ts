import { z } from "zod";

/**
 * The one way every package reads its settings: a zod schema per package over the environment, read once
 * where the program starts, and one error for whatever is wrong. The server composes the packages'
 * readers and adds its own (apps/server/src/settings).
 */

/**
 * Settings that cannot be used. `problems` holds one line per problem, naming the variable and what it
 * must be, never its value: every program prints them as plain lines for the person starting it.
 */
export class SettingsError extends Error {
  override name = "SettingsError";
  constructor(
    readonly heading: string,
    readonly problems: string[],
  ) {
    super(`${heading}\n${problems.map((problem) => `- ${problem}`).join("\n")}`);
  }
}

/** What a schema made of `env`, or one line per problem and the variables they name. */
export type SettingsResult<T> =
  | { success: true; data: T }
  | { success: false; problems: string[]; invalidVariables: ReadonlySet<string> };

/**
 * Validates `env` against `schema`: the values, or one line per problem naming the variable and the
 * schema's message, never the value (most settings are secrets, DATABASE_URL holds a password).
 */
export function checkSettings<Schema extends z.ZodType>(
  schema: Schema,
  env: NodeJS.ProcessEnv,
): SettingsResult<z.output<Schema>> {
  const result = schema.safeParse(env);
  if (result.success) return { success: true, data: result.data };
  return {
    success: false,
    problems: result.error.issues.map((issue) => `${describeSettingPath(issue.path)} ${issue.message}`),
    invalidVariables: new Set(result.error.issues.map((issue) => String(issue.path[0]))),
  };
}

/** Validates `env` against `schema`, or throws a SettingsError with checkSettings' lines. */
export function parseSettings<Schema extends z.ZodType>(
  schema: Schema,
  env: NodeJS.ProcessEnv,
  heading: string,
): z.output<Schema> {
  const result = checkSettings(schema, env);
  if (!result.success) throw new SettingsError(heading, result.problems);
  return result.data;
}

const ORDINALS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"];

/**
 * The variable a zod issue is about, as a person wrote it: an index into a comma-separated list reads
 * "WEB_ORIGIN (second origin)", not "WEB_ORIGIN.1". Such lists are named after one item (WEB_ORIGIN holds
 * origins), so the item is the name's last word.
 */
function describeSettingPath(path: readonly PropertyKey[]): string {
  const [variable = "", ...rest] = path.map(String);
  const item = variable.split("_").at(-1)?.toLowerCase() ?? "value";
  const within = rest.map((key) =>
    /^\d+$/.test(key) ? `${ORDINALS[Number(key)] ?? `#${Number(key) + 1}`} ${item}` : key,
  );
  return within.length > 0 ? `${variable} (${within.join(", ")})` : variable;
}

/**
 * A setting as text, trimmed, where empty means unset: `.env.example` lists every variable with an empty
 * value, and a copied file must behave as if they were absent.
 */
export const optionalSetting = z
  .string()
  .trim()
  .transform((value) => value || undefined)
  .optional();

/** A number given as text; unset or empty leaves it undefined. */
export function numberSetting(schema: z.ZodNumber) {
  return optionalSetting.pipe(
    z
      .string()
      .transform((value) => Number(value))
      .pipe(schema)
      .optional(),
  );
}

const NOT_MILLISECONDS = "must be a whole number of milliseconds (0: no limit)";

/** A duration in whole milliseconds up to an hour; 0 means no limit, unset or empty the fallback. */
export function millisecondsSetting(fallback: number) {
  return optionalSetting.pipe(
    z
      .string()
      .optional()
      .transform((value) => (value === undefined ? fallback : Number(value)))
      .pipe(
        z
          .number({ message: NOT_MILLISECONDS })
          .int(NOT_MILLISECONDS)
          .min(0, NOT_MILLISECONDS)
          .max(3_600_000, "must be at most 3600000 (one hour)"),
      ),
  );
}

/** An origin (scheme, host, port) such as https://app.example.com: CORS and `azp` compare it exactly. */
export function originSetting(name: string) {
  return z.url({ message: "must be an origin such as https://app.example.com" }).transform((value, ctx) => {
    const url = new URL(value);
    if (url.pathname !== "/" || url.search || url.hash) {
      ctx.addIssue({
        code: "custom",
        message: `must be an origin without a path, such as ${withHttps(url)}: ${name} is compared with the browser's Origin`,
      });
      return z.NEVER;
    }
    return url.origin;
  });
}

/** The example an origin's message shows: https, unless it is a loopback address (http is fine there). */
function withHttps(url: URL): string {
  return isHttpsOrLocal(url.origin) ? url.origin : `https://${url.host}`;
}

/** https, or a loopback address: anything else would carry tokens or keys in clear text. */
export function isHttpsOrLocal(origin: string): boolean {
  const url = new URL(origin);
  return url.protocol === "https:" || ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
}
