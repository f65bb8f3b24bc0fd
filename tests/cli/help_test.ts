import assert from "node:assert/strict";
import { denoTasks, ROOT, runDeno } from "../helpers/deno.ts";

const tasks = await denoTasks();
/** The tasks that are schedlab commands (a module of lib/cli). */
const COMMANDS = Object.entries(tasks).filter(([, task]) =>
  /^deno run .* lib\/cli\/\w+\.ts$/.test(task.command)
);

/** Runs the `./schedlab` launcher as a user does. */
async function launcher(...args: string[]) {
  const output = await new Deno.Command(`${ROOT}schedlab`, { args, cwd: ROOT }).output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code: output.code, stdout: decode(output.stdout), stderr: decode(output.stderr) };
}

Deno.test("./schedlab --help lists every task of deno.json with its description, exit 0", async () => {
  for (const flag of ["--help", "-h", "help"]) {
    const { code, stdout, stderr } = await launcher(flag);
    assert.equal(code, 0, stderr);
    const listed = stdout.split("\n").filter((line) => /^ {2}\S/.test(line));
    assert.deepEqual(
      listed.map((line) => line.trim().split(/ {2,}/)),
      Object.entries(tasks).map(([name, task]) => [name, task.description]),
    );
    for (const task of Object.values(tasks)) assert.ok(task.description.length > 10);
  }
});

Deno.test("./schedlab with no command, or an unknown one, names it and lists the commands, exit 2", async () => {
  const none = await launcher();
  assert.equal(none.code, 2);
  assert.match(none.stderr, /^commands:$/m);
  const unknown = await launcher("trian", "--config", "x.json");
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /schedlab: unknown command 'trian'/);
  assert.match(unknown.stderr, /^ {2}train {2,}\S/m);
});

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
    assert.ok(COMMANDS.some(([, task]) => task.command.endsWith(module)), `${module} has no task`);
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
