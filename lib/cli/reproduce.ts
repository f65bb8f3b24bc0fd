/**
 * `./schedlab reproduce [--full] [--episodes N]`: the main job. Executes the headline notebook
 * (`notebooks/02_headline.ipynb`) headless: by default it evaluates the committed checkpoint
 * (`results/headline`) beside every baseline and bound on held-out task parameters, in a
 * minute, into `results/reproduce/`; `--full` first trains five seeds from scratch
 * (`experiments/headline.json`, about ten minutes each on one core), into
 * `results/02_headline/`. Each folder gets the table (CSV and markdown), the figures (HTML
 * and PNG) and a manifest; the executed notebook goes to `results/notebooks/` (full) or
 * beside the quick run's results.
 *
 * @module
 */
import { executeNotebook, installKernel } from "./notebooks.ts";
import { integerFlag, parseFlags, runCommand } from "./common.ts";

const USAGE = "./schedlab reproduce [--full] [--episodes N]";

if (import.meta.main) {
  await runCommand("reproduce", USAGE, async (args) => {
    const flags = parseFlags(args, {
      full: {
        type: "boolean",
        help: "train 5 seeds from scratch (hours) instead of evaluating the committed checkpoint",
      },
      episodes: { type: "string", arg: "N", help: "evaluation episodes (default 200)" },
    });
    // The notebook's defaults are the full run (into results/02_headline); the small budget
    // evaluates the committed checkpoint into results/reproduce.
    const out = flags.full ? "results/02_headline" : "results/reproduce";
    const params: Record<string, unknown> = flags.full ? {} : { trainSeeds: 0, out: `../${out}` };
    if (flags.episodes !== undefined) {
      params.episodes = integerFlag("episodes", flags.episodes, 200, 1);
    }
    await installKernel();
    // The quick run keeps even its executed notebook apart from the full run's.
    const notebookDir = flags.full ? "results/notebooks" : out;
    await Deno.mkdir(notebookDir, { recursive: true });
    console.error(`reproduce: executing notebooks/02_headline.ipynb ${JSON.stringify(params)}`);
    const result = await executeNotebook("notebooks/02_headline.ipynb", {
      outDir: notebookDir,
      params,
    });
    if (!result.ok) throw new Error(`the headline notebook failed:\n${result.log}`);
    console.log(await Deno.readTextFile(`${out}/headline.md`));
    console.log(`\nheadline (${result.seconds.toFixed(0)} s):`);
    for (
      const file of [
        "headline.md",
        "headline.csv",
        "headline_makespan.png",
        "headline_makespan.html",
        "headline_profile.png",
        "manifest.json",
      ]
    ) {
      console.log(`  ${out}/${file}`);
    }
    console.log(`  ${notebookDir}/02_headline.ipynb (executed, with outputs)`);
  });
}
