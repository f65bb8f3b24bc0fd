/**
 * Waiting for something to become true, by polling, with a time limit.
 *
 * @module
 */

/** Options of {@linkcode pollUntil}. */
export interface PollOptions {
  /** What failed, for the error: "`what` within N s". */
  what: string;
  /** Time limit, ms; default 30 s. */
  timeoutMs?: number;
  /** Pause between tries, ms; default 100. */
  everyMs?: number;
}

/**
 * Calls `test` until it answers true.
 *
 * @param test the condition
 * @param options the error's wording, time limit, pause
 * @throws Error "`what` within N s" once the time limit has passed
 */
export async function pollUntil(
  test: () => Promise<boolean>,
  options: PollOptions,
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const started = Date.now();
  while (!(await test())) {
    if (Date.now() - started > timeoutMs) {
      throw new Error(`${options.what} within ${timeoutMs / 1000} s`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.everyMs ?? 100));
  }
}
