/**
 * What every command shares: flag parsing with clear errors, a progress bar on stderr, and
 * the entry-point wrapper that turns an error into one line and an exit code.
 *
 * @module
 */
import { parseArgs } from "node:util";

/** A bad command line: reported with the usage, exit code 2. */
export class UsageError extends Error {}

/** `-h` or `--help` was given: the command prints its help and exits 0. */
export class HelpRequest extends Error {}

/** One flag of a command: its type, the placeholder of its value, and a one-line help. */
export interface FlagSpec {
  /** A string flag takes a value; a boolean flag does not. */
  readonly type: "string" | "boolean";
  /** The placeholder of a string flag's value in the help (default VALUE). */
  readonly arg?: string;
  /** One line: what the flag does and its default. */
  readonly help: string;
}

/** The parsed values of a command's flags (absent when not given). */
export type FlagValues<T extends Record<string, FlagSpec>> = {
  [K in keyof T]?: T[K]["type"] extends "boolean" ? boolean : string;
};

/** The help of a set of flags: one line per flag, then `-h, --help`. */
export function flagHelp(flags: Record<string, FlagSpec>): string {
  const rows = Object.entries(flags).map(([name, spec]) => [
    `--${name}${spec.type === "string" ? ` ${spec.arg ?? "VALUE"}` : ""}`,
    spec.help,
  ]);
  rows.push(["-h, --help", "print this help and exit"]);
  const width = Math.max(...rows.map(([left]) => left!.length));
  return rows.map(([left, help]) => `  ${left!.padEnd(width)}  ${help}`).join("\n");
}

/**
 * Parses a command line strictly, positionals included: `-h`/`--help` is a
 * {@linkcode HelpRequest}; unknown flags and, unless allowed, positionals are
 * {@linkcode UsageError}s.
 */
export function parseCommandLine<const T extends Record<string, FlagSpec>>(
  args: string[],
  flags: T,
  options: { positionals?: boolean } = {},
): { flags: FlagValues<T>; positionals: string[] } {
  if (args.includes("--help") || args.includes("-h")) throw new HelpRequest(flagHelp(flags));
  try {
    const parsed = parseArgs({
      args,
      options: Object.fromEntries(
        Object.entries(flags).map(([name, spec]) => [name, { type: spec.type }]),
      ),
      strict: true,
      allowPositionals: options.positionals ?? false,
    });
    return { flags: parsed.values as FlagValues<T>, positionals: parsed.positionals };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** Parses flags strictly (no positionals); see {@linkcode parseCommandLine}. */
export function parseFlags<const T extends Record<string, FlagSpec>>(
  args: string[],
  flags: T,
): FlagValues<T> {
  return parseCommandLine(args, flags).flags;
}

/** The value of a flag the command cannot run without. */
export function requiredFlag<T>(name: string, value: T | undefined): T {
  if (value === undefined) throw new UsageError(`Expected --${name} but found none`);
  return value;
}

/** Checks that exactly one of the given flags (by name, with their values) was given. */
export function exactlyOneFlag(flags: Record<string, unknown>): void {
  const given = Object.keys(flags).filter((name) => flags[name] !== undefined);
  if (given.length !== 1) {
    const names = Object.keys(flags).map((name) => `--${name}`).join(", ");
    const found = given.length ? given.map((name) => `--${name}`).join(" and ") : "none";
    throw new UsageError(`Expected exactly one of ${names} but found ${found}`);
  }
}

/** Parses an integer flag value of at least `min`. */
export function integerFlag(
  name: string,
  value: string | undefined,
  fallback: number,
  min = 0,
): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < min) {
    throw new UsageError(`Expected --${name} to be an integer >= ${min} but found "${value}"`);
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
      `Expected --${name} to be a number in [${range.min}, ${range.max}] but found "${value}"`,
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
 * Runs a command's main function: a {@linkcode HelpRequest} prints the usage and the flags on
 * stdout (exit 0); an error becomes `schedlab <command>: message` on stderr and exit code 2
 * (usage) or 1 (anything else).
 */
export async function runCommand(
  command: string,
  usage: string,
  main: (args: string[]) => Promise<void>,
): Promise<void> {
  try {
    await main(Deno.args);
  } catch (error) {
    if (error instanceof HelpRequest) {
      console.log(`usage: ${usage}\n\nflags:\n${error.message}`);
      Deno.exit(0);
    }
    const message = error instanceof Error ? error.message : String(error);
    console.error(`schedlab ${command}: ${message}`);
    if (error instanceof UsageError) console.error(`usage: ${usage}`);
    Deno.exit(error instanceof UsageError ? 2 : 1);
  }
}
