/**
 * `./schedlab baselines --scenario NAME|FILE | --etc FILE [--episodes N] [--seed S]
 * [--policies a,b] [--no-exact] [--json]`: every baseline and bound on a scenario or an ETC
 * instance (the energy-aware ones too on a cluster with a power model).
 *
 * @module
 */
import { loadEtc } from "../env/mod.ts";
import {
  evaluateInstance,
  evaluateScenario,
  type EvaluationOptions,
  type EvaluationReport,
  loadScenario,
  reportTable,
} from "../experiment/mod.ts";
import { baselineNames, energyBaselineNames, makeBaseline } from "../policies/mod.ts";
import { exactlyOneFlag, integerFlag, parseFlags, progressBar, runCommand } from "./common.ts";

const USAGE =
  "./schedlab baselines --scenario NAME|FILE.json | --etc FILE [--episodes N] [--seed S] [--policies a,b] [--no-exact] [--json]";

/** Runs the command on its arguments; prints the report. */
export async function baselines(args: string[]): Promise<void> {
  const flags = parseFlags(args, {
    scenario: {
      type: "string",
      arg: "NAME|FILE",
      help: "a named scenario or a scenario JSON file",
    },
    etc: { type: "string", arg: "FILE", help: "a Braun-style ETC matrix instead of a scenario" },
    episodes: { type: "string", arg: "N", help: "episodes per policy (default 20)" },
    seed: { type: "string", arg: "S", help: "seed of the episodes (default 0)" },
    policies: { type: "string", arg: "a,b", help: "comma-separated baselines (default: all)" },
    "no-exact": { type: "boolean", help: "skip the exact makespan optimum (MILP)" },
    json: { type: "boolean", help: "print the report as JSON" },
  });
  exactlyOneFlag({ scenario: flags.scenario, etc: flags.etc });
  const names = flags.policies?.split(",").map((name) => name.trim());
  const options = (defaults: string[]): EvaluationOptions => ({
    policies: (names ?? defaults).map(makeBaseline),
    onProgress: progressBar("baselines"),
    ...(flags["no-exact"] ? { exactMakespan: false } : {}),
  });
  let report: EvaluationReport;
  if (flags.etc !== undefined) {
    report = await evaluateInstance(await loadEtc(flags.etc), options(baselineNames()));
  } else {
    const scenario = await loadScenario(flags.scenario!);
    const powered = scenario.cluster.nodes.every((node) => node.power !== undefined);
    report = await evaluateScenario(scenario, {
      ...options([...baselineNames(), ...(powered ? energyBaselineNames() : [])]),
      episodes: integerFlag("episodes", flags.episodes, 20, 1),
      seed: integerFlag("seed", flags.seed, 0),
    });
  }
  console.log(flags.json ? JSON.stringify(report, null, 2) : reportTable(report));
}

if (import.meta.main) await runCommand("baselines", USAGE, baselines);
