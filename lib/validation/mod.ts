/**
 * Validation helpers shared by every input file: zod errors as `field: problem` messages,
 * JSON files read and validated, and the SHA-256 that checks written files' integrity.
 *
 * @module
 */
import type { z } from "zod";

/** Formats zod issues as `field: problem` pairs separated by `; `. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length ? issue.path.join(".") : "(root)"}: ${issue.message}`)
    .join("; ");
}

/**
 * Parses `value` with `schema`, or throws a `TypeError` that names the source and every
 * offending field.
 *
 * @param schema the zod schema
 * @param value the parsed JSON value
 * @param source where the value came from, e.g. `cluster file a.json`
 * @returns the validated value
 */
export function validate<T>(schema: z.ZodType<T>, value: unknown, source: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new TypeError(`Invalid ${source}: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

/** Parses JSON text and validates it; errors name the file and the field. */
function parseJsonText<T>(schema: z.ZodType<T>, text: string, path: string, what: string): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new TypeError(`Invalid ${what} ${path}: not JSON (${(error as Error).message})`);
  }
  return validate(schema, value, `${what} ${path}`);
}

function unreadable(what: string, path: string, error: unknown): TypeError {
  return new TypeError(`Cannot read ${what} ${path}: ${(error as Error).message}`);
}

/** {@linkcode readJsonFile}, synchronously. */
export function readJsonFileSync<T>(schema: z.ZodType<T>, path: string, what: string): T {
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (error) {
    throw unreadable(what, path, error);
  }
  return parseJsonText(schema, text, path, what);
}

/** Reads a JSON file and validates it; errors name the file and the field. */
export async function readJsonFile<T>(
  schema: z.ZodType<T>,
  path: string,
  what: string,
): Promise<T> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    throw unreadable(what, path, error);
  }
  return parseJsonText(schema, text, path, what);
}

/** The SHA-256 of some bytes, as 64 hexadecimal digits. */
export async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}
