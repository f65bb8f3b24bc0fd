/**
 * `./schedlab reproduce [--full] [--episodes N]`: the main job. Executes the headline notebook
 * (`notebooks/02_headline.ipynb`) headless: by default it evaluates the committed checkpoint
 * (`results/headline`) beside every baseline and bound on held-out task parameters, in a few
 * minutes; `--full` first trains five seeds from scratch (`experiments/headline.json`, about
 * ten minutes each on one core). Writes `results/02_headline/` (table as CSV and markdown,
 * figures as HTML and PNG, manifest) and the executed notebook in `results/notebooks/`.
 *
 * @module
 */
import { executeNotebook, installKernel } from "./notebooks.ts";
import { integerFlag, parseFlags, runCommand } from "./common.ts";

const USAGE = "./schedlab reproduce [--full] [--episodes N]";

if (import.meta.main) {
  await runCommand("reproduce", USAGE, async (args) => {
    const flags = parseFlags(args, { full: { type: "boolean" }, episodes: { type: "string" } });
    // The notebook's defaults are the full run; the small budget evaluates the committed checkpoint.
    const params: Record<string, unknown> = flags.full ? {} : { trainSeeds: 0 };
    if (flags.episodes !== undefined) {
      params.episodes = integerFlag("episodes", flags.episodes, 200, 1);
    }
    await installKernel();
    await Deno.mkdir("results/notebooks", { recursive: true });
    console.error(`reproduce: executing notebooks/02_headline.ipynb ${JSON.stringify(params)}`);
    const result = await executeNotebook("notebooks/02_headline.ipynb", {
      outDir: "results/notebooks",
      params,
    });
    if (!result.ok) throw new Error(`the headline notebook failed:\n${result.log}`);
    console.log(await Deno.readTextFile("results/02_headline/headline.md"));
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
      console.log(`  results/02_headline/${file}`);
    }
    console.log("  results/notebooks/02_headline.ipynb (executed, with outputs)");
  });
}
