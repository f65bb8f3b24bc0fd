import assert from "node:assert/strict";
import { ROOT, runDeno } from "../helpers/deno.ts";

const tasks: Record<string, string> = JSON.parse(
  await Deno.readTextFile(`${ROOT}deno.json`),
).tasks;
/** The tasks that are schedlab commands (a module of lib/cli). */
const COMMANDS = Object.entries(tasks).filter(([, line]) =>
  /^deno run .* lib\/cli\/\w+\.ts$/.test(line)
);

async function task(name: string, ...args: string[]) {
  return await runDeno(["task", "--quiet", name, ...args]);
}

Deno.test("every module of lib/cli that runs a command is a task of deno.json", async () => {
  const modules: string[] = [];
  for await (const entry of Deno.readDir(`${ROOT}lib/cli`)) {
    const text = await Deno.readTextFile(`${ROOT}lib/cli/${entry.name}`);
    if (/await runCommand\(/.test(text)) modules.push(`lib/cli/${entry.name}`);
  }
  assert.ok(modules.length >= 10);
  for (const module of modules) {
    assert.ok(COMMANDS.some(([, line]) => line.endsWith(module)), `${module} has no task`);
  }
});

for (const [name] of COMMANDS) {
  Deno.test(`${name} --help prints its usage and one line per flag, exit 0`, async () => {
    for (const flag of ["--help", "-h"]) {
      const { code, stdout, stderr } = await task(name, flag);
      assert.equal(code, 0, stderr);
      assert.doesNotMatch(stderr, /Download/);
      const [usage, ...rest] = stdout.trim().split("\n");
      assert.match(usage!, new RegExp(`^usage: \\./schedlab ${name}`));
      const lines = rest.slice(rest.indexOf("flags:") + 1);
      const described = lines.map((line) => line.match(/^ {2}(?:-h, )?(--[a-z-]+)\b.* {2}\S/)?.[1]);
      assert.ok(described.every(Boolean), `a help line that is not one flag:\n${stdout}`);
      assert.equal(new Set(described).size, described.length, "a flag described twice");
      for (const used of usage!.match(/--[a-z-]+/g) ?? []) {
        assert.ok(described.includes(used), `${used} of the usage line has no help line`);
      }
      assert.ok(described.includes("--help"));
    }
  });

  Deno.test(`${name} rejects an unknown flag naming it, exit 2`, async () => {
    const { code, stdout, stderr } = await task(name, "--no-such-flag");
    assert.equal(code, 2, stdout + stderr);
    assert.match(stderr, new RegExp(`schedlab ${name}: .*'--no-such-flag'`));
    assert.match(stderr, /^usage: /m);
    assert.doesNotMatch(stderr, /Download/);
  });
}
