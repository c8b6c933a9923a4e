/**
 * Whether Postgres refused a write for the data itself, and why: a value it cannot store (SQLSTATE class
 * 22: a NUL, a lone surrogate, a number or date out of range), a NOT NULL or a CHECK constraint. Sending
 * the same rows again can never succeed, so a batch writer sets such a row aside instead of failing
 * the rows beside it. Anything else is not the row's fault, and is not a refusal: a connection lost, a
 * timeout, a deadlock or serialization failure (class 40), or a unique violation (23505), which depends
 * on what else the table holds and may pass once a later event has arrived.
 */
export function refusalOf(error: unknown): string | undefined {
  const code = typeof error === "object" && error !== null && "code" in error ? error.code : undefined;
  if (typeof code !== "string") return undefined;
  if (!code.startsWith("22") && code !== "23502" && code !== "23514") return undefined;
  const message = error instanceof Error ? error.message : "";
  return `Postgres refused it (SQLSTATE ${code}): ${message}`;
}
