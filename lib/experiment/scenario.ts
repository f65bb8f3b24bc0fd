/**
 * Scenarios: a cluster, a calibrated duration model, a workload, the simulator's options and
 * the objective, by name or from a validated JSON config, and the environment they make.
 *
 * @module
 */
import { z } from "zod";
import {
  type Cluster,
  type ClusterPower,
  drawCluster,
  parseCluster,
  powerOfNodes,
  resolveCluster,
} from "../cluster/mod.ts";
import { DurationModel, loadCalibrationSync, SEED_CALIBRATION } from "../duration/mod.ts";
import { embedding } from "../embedding/mod.ts";
import {
  buildInstance,
  drawTenants,
  generateTasks,
  type Instance,
  SchedulingEnv,
  workloadSchema,
} from "../env/mod.ts";
import { hashInts, Rng, unitFloat } from "../random/mod.ts";
import { readJsonFile, validate } from "../validation/mod.ts";
import { type Objective, objectiveSchema } from "./objective.ts";
import { makeBaseline, runEpisode } from "../policies/mod.ts";

/** Schema of a scenario (also the `scenario` field of experiment configs). */
export const scenarioSchema = z.object({
  /** Name, for reports. */
  name: z.string().min(1),
  /** A cluster preset's name, a cluster JSON file's path (ending in .json), or a cluster given inline. */
  cluster: z.union([z.string(), z.unknown()]).default("seed-9"),
  /**
   * The duration model's calibration: "seed" (the original's measurements), the name of a
   * file `./schedlab calibrate` wrote (`results/calibration/NAME.json`), or a path ending in .json.
   */
  calibration: z.string().default("seed"),
  /** Standard deviation of the log-normal duration noise. */
  noise: z.number().min(0).max(2).default(0.1),
  /**
   * Domain randomisation: each episode runs on one of `pool` clusters drawn from the cluster's
   * node types (as many nodes in another mix, speeds jittered by up to e^±jitter; lib/cluster's
   * `drawCluster`), chosen by the episode seed. Absent: every episode runs on the cluster.
   */
  clusterDraws: z.object({
    /** Clusters drawn, once, when the scenario resolves. */
    pool: z.number().int().positive().max(4096),
    /** Largest log-scale of a drawn node's speeds (0: the node types exactly). */
    jitter: z.number().min(0).max(2).default(0),
    /** Seed of the draws: the pool is the scenario's, the same for every training seed. */
    seed: z.number().int().default(0),
    /** Share of the episodes that run on the configured cluster itself rather than a drawn one. */
    clusterShare: z.number().min(0).max(1).default(0),
  }).strict().optional(),
  /** The workload of each episode. */
  workload: workloadSchema,
  /** Candidate slots shown to a policy. */
  window: z.number().int().positive().default(32),
  /** Seconds that map to 1 in the state's remaining-time entries. */
  timeScale: z.number().positive().default(100),
  /** The task embedding's registry name. */
  embedding: z.string().default("seed"),
  /**
   * Longest idle, seconds: a node that declines work is asked again this long after at the
   * latest (absent: not before the next completion or arrival).
   */
  idleTimeout: z.number().positive().optional(),
  /** Idle nodes stay on (drawing their idle watts until the makespan) or sleep (drawing nothing). */
  idleNodes: z.enum(["on", "sleep"]).default("on"),
  /** What a schedule costs: makespan, energy and fairness weights (lib/experiment/objective.ts). */
  objective: objectiveSchema.default({ energyWeight: 0, fairnessWeight: 0 }),
});

/** A scenario as configured. */
export type ScenarioConfig = z.input<typeof scenarioSchema>;

/** A cluster with a scenario's duration model and power on it. */
export interface ClusterModel {
  /** The cluster. */
  readonly cluster: Cluster;
  /** The duration model on that cluster. */
  readonly model: DurationModel;
  /** The nodes' power, shared by every instance drawn (undefined: a node has no power spec). */
  readonly power: ClusterPower | undefined;
}

/** A scenario resolved into its parts: the configured cluster, and the drawn ones if any. */
export interface Scenario extends ClusterModel {
  /** Validated configuration. */
  readonly config: z.output<typeof scenarioSchema>;
  /** The clusters episodes run on under `clusterDraws` (empty: every episode on `cluster`). */
  readonly drawn: readonly ClusterModel[];
}

const BATCH_16_24 = { minTasks: 16, maxTasks: 24 } as const;

/**
 * Where a named calibration lives: a path as given, else the repository's
 * `results/calibration/NAME.json` (wherever the process runs, a notebook included).
 */
export function calibrationPath(name: string): string {
  if (name.endsWith(".json")) return name;
  return new URL(`../../results/calibration/${name}.json`, import.meta.url).pathname;
}

/** Built-in scenarios. */
export const SCENARIOS: Readonly<Record<string, ScenarioConfig>> = {
  "seed-9": {
    name: "seed-9",
    workload: { ...BATCH_16_24, split: "all" },
  },
  "seed-9-heldout": {
    name: "seed-9-heldout",
    workload: { ...BATCH_16_24, split: "heldout" },
  },
  "live-9": {
    name: "live-9",
    cluster: "live-9",
    calibration: "this-machine",
    workload: { ...BATCH_16_24, bins: 10, bin: 0 },
    timeScale: 2,
  },
  "seed-9-poisson": {
    name: "seed-9-poisson",
    workload: { ...BATCH_16_24, arrivals: { type: "poisson", rate: 0.2 } },
  },
};

/** Names of the built-in scenarios. */
export function scenarioNames(): string[] {
  return Object.keys(SCENARIOS);
}

/**
 * Resolves a scenario from a built-in name or a configuration object.
 *
 * @param source a name from {@linkcode scenarioNames} or a config
 */
export function resolveScenario(source: string | unknown): Scenario {
  let raw = source;
  if (typeof source === "string") {
    raw = SCENARIOS[source];
    if (!raw) {
      throw new TypeError(
        `Expected scenario to be one of ${scenarioNames().join(", ")} but found "${source}"`,
      );
    }
  }
  const config = validate(scenarioSchema, raw, "scenario");
  embedding(config.embedding);
  const cluster = typeof config.cluster === "string"
    ? resolveCluster(config.cluster)
    : parseCluster(config.cluster, "scenario.cluster");
  const calibration = config.calibration === "seed"
    ? SEED_CALIBRATION
    : loadCalibrationSync(calibrationPath(config.calibration));
  const on = (cluster: Cluster): ClusterModel => ({
    cluster,
    model: new DurationModel(calibration, cluster.nodes, { noise: config.noise }),
    power: powerOfNodes(cluster.nodes, config.idleNodes),
  });
  const draws = config.clusterDraws;
  const drawn = draws
    ? Array.from(
      { length: draws.pool },
      (_, k) =>
        on(drawCluster(cluster, new Rng(hashInts(draws.seed, CLUSTER_STREAM, k)), {
          name: `${cluster.name}-draw-${k}`,
          jitter: draws.jitter,
        })),
    )
    : [];
  return { config, ...on(cluster), drawn };
}

/**
 * A scenario from a command-line argument: a built-in name, or a scenario JSON file (a path
 * ending in .json; relative cluster paths in it are read from the working directory).
 */
export async function loadScenario(source: string): Promise<Scenario> {
  return resolveScenario(
    source.endsWith(".json") ? await readJsonFile(scenarioSchema, source, "scenario file") : source,
  );
}

/** Label of the random stream that draws the tasks' tenants. */
const TENANT_STREAM = 0x7e4a;

/** Label of the random streams that draw a scenario's clusters and pick one per episode. */
const CLUSTER_STREAM = 0xc1a5;

/**
 * Draws a scenario's instance for an episode seed (on its cluster or, under `clusterDraws`, the
 * drawn cluster the seed picks, or the configured one for `clusterShare` of the seeds; with the
 * nodes' power and the tenants).
 */
export function drawInstance(scenario: Scenario, seed: number): Instance {
  const { workload, name } = scenario.config;
  const tasks = generateTasks(workload, new Rng(seed));
  const drawn = scenario.drawn;
  const share = scenario.config.clusterDraws?.clusterShare ?? 0;
  const onDrawn = drawn.length > 0 &&
    (share === 0 || unitFloat(hashInts(seed, CLUSTER_STREAM, 1)) >= share);
  const { model, power } = onDrawn
    ? drawn[hashInts(seed, CLUSTER_STREAM) % drawn.length]!
    : scenario;
  const tenants = drawTenants(workload, tasks.length, new Rng(hashInts(seed, TENANT_STREAM)));
  return buildInstance(tasks, model, {
    name: `${name}#${seed}`,
    noiseSeed: seed,
    ...(power ? { power } : {}),
    ...(tenants ? { tenants } : {}),
  });
}

/**
 * The simulator of a scenario, drawing a fresh instance per episode seed.
 *
 * @param scenario the scenario
 * @param idleTimeout the longest idle, seconds (default the scenario's)
 */
export function makeEnv(
  scenario: Scenario,
  idleTimeout = scenario.config.idleTimeout,
): SchedulingEnv {
  const { window, timeScale } = scenario.config;
  return new SchedulingEnv(
    {
      window,
      timeScale,
      embedding: embedding(scenario.config.embedding),
      ...(idleTimeout === undefined ? {} : { idleTimeout }),
    },
    (seed) => drawInstance(scenario, seed),
  );
}

/** The rule whose mean makespan and energy are the default scales. */
export const REFERENCE_RULE = "earliest-finish-pull";

/** Episodes the default scales average over. */
const REFERENCE_EPISODES = 16;

/** Label of the random stream of the reference episodes. */
const REFERENCE_STREAM = 0x0b7;

/**
 * The scenario's objective with its scales: as configured, else measured on the reference
 * rule (energy scale 1 when the cluster has no power model).
 *
 * @param scenario the scenario
 * @param weight overrides the configured energy weight
 */
export function resolveObjective(scenario: Scenario, weight?: number): Objective {
  const config = scenario.config.objective;
  let { timeRef, energyRef } = config;
  if (timeRef === undefined || energyRef === undefined) {
    const env = makeEnv(scenario);
    const policy = makeBaseline(REFERENCE_RULE);
    let time = 0, energy = 0;
    for (let e = 0; e < REFERENCE_EPISODES; e++) {
      const info = runEpisode(env, policy, { seed: hashInts(REFERENCE_STREAM, e) });
      time += info.makespan / REFERENCE_EPISODES;
      energy += info.energy / REFERENCE_EPISODES;
    }
    timeRef ??= time;
    energyRef ??= Number.isNaN(energy) ? 1 : energy;
  }
  return {
    energyWeight: weight ?? config.energyWeight,
    fairnessWeight: config.fairnessWeight,
    timeRef,
    energyRef,
  };
}
