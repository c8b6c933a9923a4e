import type { z } from "zod";

/** The reasons a value failed its schema, each naming its field: `first_name: contains a NUL…`. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues.map((issue) => `${issue.path.join(".") || "value"}: ${issue.message}`).join("; ");
}

/** A parse that either gives the value or says, naming the fields, why it cannot. */
export type ParseResult<T> = { success: true; data: T } | { success: false; reason: string };
