/**
 * Calibration files: a fitted calibration with its statistics, saved as JSON and loaded by
 * path (validated with zod) so that a scenario can use measured coefficients.
 *
 * @module
 */
import { z } from "zod";
import { taskKindSchema } from "../tasks/mod.ts";
import { readJsonFile, readJsonFileSync } from "../validation/mod.ts";
import type { Calibration } from "./model.ts";

const lawSchema = z.object({
  scale: z.number().positive(),
  exponent: z.number().min(0).max(6),
  count: z.number().int().min(0).optional(),
  r2: z.number().optional(),
  sigma: z.number().min(0).optional(),
  mape: z.number().min(0).optional(),
});

/** Schema of a calibration file. */
export const calibrationSchema = z.object({
  name: z.string().min(1),
  source: z.string(),
  // A duration model made from it needs a law for every registered kind.
  kinds: z.record(taskKindSchema, lawSchema),
});

/** Reads a calibration file; errors name the file and the field. */
export function loadCalibration(path: string): Promise<Calibration> {
  return readJsonFile(calibrationSchema, path, "calibration file");
}

/** Reads a calibration file synchronously (for scenario resolution). */
export function loadCalibrationSync(path: string): Calibration {
  return readJsonFileSync(calibrationSchema, path, "calibration file");
}

/** Writes a calibration file (creating its folder). */
export async function saveCalibration(path: string, calibration: Calibration): Promise<void> {
  const folder = path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : ".";
  await Deno.mkdir(folder, { recursive: true });
  await Deno.writeTextFile(path, JSON.stringify(calibration, null, 2) + "\n");
}
