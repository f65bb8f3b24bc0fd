/**
 * What every command shares: flag parsing with clear errors, a progress bar on stderr, and
 * the entry-point wrapper that turns an error into one line and an exit code.
 *
 * @module
 */
import { parseArgs, type ParseArgsConfig } from "node:util";

/** A bad command line: reported with the usage, exit code 2. */
export class UsageError extends Error {}

/** Parses flags strictly: unknown flags and stray arguments are {@linkcode UsageError}s. */
export function parseFlags<T extends NonNullable<ParseArgsConfig["options"]>>(
  args: string[],
  options: T,
) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** Parses an integer flag value within [min, max]. */
export function integerFlag(
  name: string,
  value: string | undefined,
  fallback: number,
  min = 0,
): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < min) {
    throw new UsageError(`--${name} must be an integer >= ${min} but is "${value}"`);
  }
  return parsed;
}

/** Parses a number flag value within [min, max]. */
export function numberFlag(
  name: string,
  value: string | undefined,
  fallback: number,
  range: { min: number; max: number },
): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (value.trim() === "" || !(parsed >= range.min && parsed <= range.max)) {
    throw new UsageError(
      `--${name} must be a number in [${range.min}, ${range.max}] but is "${value}"`,
    );
  }
  return parsed;
}

/** An abort signal fired by the first SIGINT or SIGTERM (a second one exits at once). */
export function stopSignal(): AbortSignal {
  const controller = new AbortController();
  const stop = () => {
    if (controller.signal.aborted) Deno.exit(130);
    controller.abort();
  };
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
  return controller.signal;
}

/** A one-line progress bar on stderr, drawn only when stderr is a terminal. */
export function progressBar(label: string): (done: number, total: number) => void {
  if (!Deno.stderr.isTerminal()) return () => {};
  const encoder = new TextEncoder();
  const started = performance.now();
  return (done, total) => {
    const width = 30;
    const filled = Math.round((done / total) * width);
    const elapsed = (performance.now() - started) / 1000;
    const line = `\r${label} [${"#".repeat(filled)}${
      ".".repeat(width - filled)
    }] ${done}/${total} ${elapsed.toFixed(1)}s`;
    Deno.stderr.writeSync(encoder.encode(done === total ? `${line}\n` : line));
  };
}

/**
 * Runs a command's main function: an error becomes `schedlab <command>: message` on stderr
 * and exit code 2 (usage) or 1 (anything else).
 */
export async function runCommand(
  command: string,
  usage: string,
  main: (args: string[]) => Promise<void>,
): Promise<void> {
  try {
    await main(Deno.args);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`schedlab ${command}: ${message}`);
    if (error instanceof UsageError) console.error(`usage: ${usage}`);
    Deno.exit(error instanceof UsageError ? 2 : 1);
  }
}
