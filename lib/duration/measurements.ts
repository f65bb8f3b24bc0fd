/**
 * Reading measured execution times: the original system's CSV format
 * (`node,task,parameter,parameter_value,execution_time,iteration`).
 *
 * @module
 */
import type { NodeSpec } from "../cluster/mod.ts";
import { kindSpec, taskKinds } from "../tasks/mod.ts";
import type { DurationSample } from "./fit.ts";

/**
 * Parses the original's benchmark CSV into samples. The first run of each (node, task)
 * series is a warm-up and is dropped.
 *
 * @param text the CSV
 * @param nodes the cluster whose node names the CSV uses (for each node's capacity)
 * @param source the file name, for errors
 */
export function parseOriginalCsv(
  text: string,
  nodes: readonly NodeSpec[],
  source: string,
): DurationSample[] {
  const lines = text.trim().split(/\r?\n/);
  const header = lines[0]?.split(",") ?? [];
  const column = (name: string) => {
    const index = header.indexOf(name);
    if (index < 0) throw new TypeError(`Invalid measurements ${source}: no "${name}" column`);
    return index;
  };
  const [nodeCol, taskCol, valueCol, timeCol] = [
    column("node"),
    column("task"),
    column("parameter_value"),
    column("execution_time"),
  ];
  const kindOf = new Map(
    taskKinds().flatMap((spec) => spec.originalName ? [[spec.originalName, spec.name]] : []),
  );
  const seen = new Set<string>();
  const samples: DurationSample[] = [];
  lines.slice(1).forEach((line, i) => {
    const cells = line.split(",");
    const where = `Invalid measurements ${source} line ${i + 2}`;
    const node = nodes.find((n) => n.name === cells[nodeCol]);
    if (!node) {
      throw new TypeError(
        `${where}: expected node to be a cluster node but found "${cells[nodeCol]}"`,
      );
    }
    const kind = kindOf.get(cells[taskCol] ?? "");
    if (!kind) {
      throw new TypeError(
        `${where}: expected task to be a known kind's original name but found "${cells[taskCol]}"`,
      );
    }
    const parameter = Number(cells[valueCol]), seconds = Number(cells[timeCol]);
    if (!(parameter > 0) || !(seconds > 0)) {
      throw new TypeError(
        `${where}: expected parameter_value and execution_time to be numbers > 0 but found "${
          cells[valueCol]
        }" and "${cells[timeCol]}"`,
      );
    }
    const series = `${node.name}/${kind}`;
    if (!seen.has(series)) {
      seen.add(series);
      return;
    }
    samples.push({ kind, parameter, seconds, capacity: kindSpec(kind).capacity(node) });
  });
  return samples;
}
