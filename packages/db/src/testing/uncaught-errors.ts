/**
 * Runs `during` and returns the errors nothing handled meanwhile: in a real process an unhandled
 * 'error' event (a pg connection dropped with no listener) would have ended it. `during` sees the list
 * as it fills, to wait until something has happened one way or the other.
 */
export async function uncaughtErrorsDuring(
  during: (uncaught: readonly unknown[]) => Promise<void>,
): Promise<unknown[]> {
  const uncaught: unknown[] = [];
  const record = (error: unknown) => uncaught.push(error);
  process.on("uncaughtException", record);
  try {
    await during(uncaught);
  } finally {
    process.off("uncaughtException", record);
  }
  return uncaught;
}
