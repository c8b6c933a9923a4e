import type { z } from "zod";

/** The reasons a value failed its schema, each naming its field: `first_name: contains a NUL…`. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues.map((issue) => `${issue.path.join(".") || "value"}: ${issue.message}`).join("; ");
}

/** A parse that either gives the value or says, naming the fields, why it cannot. */
export type ParseResult<T> = { success: true; data: T } | { success: false; reason: string };

/** Parses `value` with `schema` into a ParseResult: the one way each Clerk object's parser is built. */
export function parseWith<T>(schema: z.ZodType<T>, value: unknown): ParseResult<T> {
  const result = schema.safeParse(value);
  if (!result.success) return { success: false, reason: describeIssues(result.error.issues) };
  return { success: true, data: result.data };
}

/** A successful parse's value passed through `map`; a failure as it is. */
export function mapParsed<T, U>(result: ParseResult<T>, map: (data: T) => U): ParseResult<U> {
  return result.success ? { success: true, data: map(result.data) } : result;
}
