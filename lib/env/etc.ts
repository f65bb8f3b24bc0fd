/**
 * Expected-time-to-compute (ETC) matrices, the instance format of the heterogeneous-computing
 * literature (Braun et al. 2001): a header `tasks machines 0`, then tasks x machines times,
 * task-major, one per line. Best-known schedules list a machine index per task.
 *
 * @module
 */
import { basename } from "node:path";
import { type Instance, instanceFromMatrix } from "./instance.ts";
import type { Schedule } from "./schedule.ts";

/**
 * Parses an ETC file's text.
 *
 * @param text the file's content
 * @param name the instance's name (and the source named in errors)
 * @returns a batch instance without noise
 */
export function parseEtc(text: string, name: string): Instance {
  const lines = text.split(/\r?\n/);
  const header = (lines[0] ?? "").trim().split(/\s+/).map(Number);
  const [taskCount, nodeCount] = header;
  if (
    header.length < 2 || !Number.isInteger(taskCount) || !Number.isInteger(nodeCount) ||
    taskCount! < 1 || nodeCount! < 1
  ) {
    throw new TypeError(
      `Invalid ETC file ${name}: expected line 1 to be "tasks machines [0]" with positive integers but found "${
        lines[0]
      }"`,
    );
  }
  const expectedValues = taskCount! * nodeCount!;
  const etc = new Float64Array(expectedValues);
  let count = 0;
  for (let line = 1; line < lines.length; line++) {
    for (const token of lines[line]!.trim().split(/\s+/)) {
      if (token === "") continue;
      const value = Number(token);
      if (!Number.isFinite(value) || value < 0) {
        throw new TypeError(
          `Invalid ETC file ${name}: line ${
            line + 1
          } has "${token}", expected a finite number >= 0`,
        );
      }
      if (count === expectedValues) {
        throw new TypeError(
          `Invalid ETC file ${name}: more than the ${expectedValues} values its header announces`,
        );
      }
      etc[count++] = value;
    }
  }
  if (count !== expectedValues) {
    throw new TypeError(
      `Invalid ETC file ${name}: truncated, ${count} of ${expectedValues} values (${taskCount} tasks x ${nodeCount} machines)`,
    );
  }
  return instanceFromMatrix(name, etc, { taskCount: taskCount!, nodeCount: nodeCount! });
}

/** Reads an ETC file; the instance is named after the file. */
export async function loadEtc(path: string): Promise<Instance> {
  return parseEtc(await Deno.readTextFile(path), basename(path));
}

/**
 * Parses a solution file (a machine index per task, in task order) into a schedule whose
 * nodes run their tasks in task order.
 */
export function parseEtcSolution(text: string, instance: Instance, name: string): Schedule {
  const tokens = text.trim().split(/\s+/).filter((token) => token !== "");
  if (tokens.length !== instance.taskCount) {
    throw new TypeError(
      `Invalid solution ${name}: ${tokens.length} machine indices for ${instance.taskCount} tasks`,
    );
  }
  const schedule: number[][] = Array.from({ length: instance.nodeCount }, () => []);
  tokens.forEach((token, task) => {
    const node = Number(token);
    if (!Number.isInteger(node) || node < 0 || node >= instance.nodeCount) {
      throw new TypeError(
        `Invalid solution ${name}: task ${task} has machine "${token}", expected 0..${
          instance.nodeCount - 1
        }`,
      );
    }
    schedule[node]!.push(task);
  });
  return schedule;
}
