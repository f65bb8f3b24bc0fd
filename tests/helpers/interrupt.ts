/** Runs a Deno script until its stderr matches a pattern, then sends it Ctrl-C (SIGINT). */
export async function interruptWhen(
  args: string[],
  options: { cwd?: string; when: RegExp },
): Promise<{ code: number; stderr: string }> {
  const child = new Deno.Command(Deno.execPath(), {
    args,
    ...(options.cwd ? { cwd: options.cwd } : {}),
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let stderr = "";
  let interrupted = false;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    stderr += value;
    if (!interrupted && options.when.test(stderr)) {
      child.kill("SIGINT");
      interrupted = true;
    }
  }
  const status = await child.status;
  await child.stdout.cancel();
  return { code: status.code, stderr };
}
