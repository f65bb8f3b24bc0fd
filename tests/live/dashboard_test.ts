/// <reference lib="dom" />
// The dashboard in headless Chromium (Debian's), against a real Redis and real agents.
import assert from "node:assert/strict";
import {
  connectRedis,
  LiveKeys,
  LocalCluster,
  shortWorkload,
  startRedisServer,
} from "../../lib/live/mod.ts";
import { serveDashboard } from "../../lib/live/dashboard.ts";
import { coordinatorOptions, resolveLivePolicy } from "../../lib/live/policy.ts";
import { runLive } from "../../lib/experiment/live/mod.ts";
import { launchChromium } from "../../lib/report/mod.ts";

Deno.test("the dashboard shows the 9 nodes and its Gantt chart gains bars as tasks finish", async () => {
  const dir = await Deno.makeTempDir({ prefix: "schedlab-dashboard-" });
  const local = await LocalCluster.start({ dir, heartbeatMs: 200 });
  const stop = new AbortController();
  const chromium = await launchChromium();
  try {
    const dashboard = await serveDashboard({ redisUrl: local.redis.url, signal: stop.signal });
    assert.match(dashboard.url, /^http:\/\/127\.0\.0\.1:\d+\/$/, "loopback by default");
    const page = await chromium.browser.newPage();
    await page.goto(dashboard.url);
    await page.waitForFunction(() => document.querySelectorAll("tr.node").length === 9);
    const names = await page.$$eval(
      "tr.node td:first-child",
      (cells) => cells.map((cell) => cell.textContent),
    );
    assert.deepEqual(names, local.nodes);
    const beats = await page.$$eval(
      "tr.node td.alive",
      (cells) => cells.map((cell) => cell.textContent ?? ""),
    );
    assert.equal(beats.length, 9);
    for (const beat of beats) assert.match(beat, /^alive \(\d+\.\d s ago\)$/);
    const barsOnPage = () =>
      page.evaluate(() => document.querySelectorAll("#gantt .barlayer .point path").length);
    assert.equal(await barsOnPage(), 0, "no task yet");

    const live = await resolveLivePolicy({ policy: "earliest-finish-pull" });
    const seen: number[] = [];
    const watch = setInterval(async () => seen.push(await barsOnPage().catch(() => -1)), 100);
    await runLive(shortWorkload({ count: 20, seed: 21 }).tasks, {
      ...coordinatorOptions(live, { redisUrl: local.redis.url }),
      timeoutMs: 120_000,
    });
    // The page redraws by itself (no reload): all 20 bars, and it got there step by step.
    await page.waitForFunction(() => document.body.dataset.completed === "20", { timeout: 10_000 });
    await page.waitForFunction(
      () => document.querySelectorAll("#gantt .barlayer .point path").length === 20,
      { timeout: 10_000 },
    );
    clearInterval(watch);
    const counts = seen.filter((n) => n >= 0);
    assert.ok(counts.some((n) => n > 0 && n < 20), `intermediate counts: ${counts.join(",")}`);
    const energy = await page.$eval("#energy", (element) => element.textContent);
    assert.match(
      energy ?? "",
      /^energy \(estimated from the nodes' power model\): [1-9]\d* J so far/,
    );
    const text = await page.$eval("#counts", (element) => element.textContent);
    assert.match(
      text ?? "",
      /policy earliest-finish-pull \| 20 submitted, 0 queued, 0 running, 20 completed/,
    );
    assert.equal(await page.$eval("#queue", (element) => element.textContent), "queue empty");
  } finally {
    stop.abort();
    await chromium.close();
    await local.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("POST /api/tasks submits valid tasks and answers 400 naming the bad field", async () => {
  const dir = await Deno.makeTempDir({ prefix: "schedlab-api-" });
  const server = await startRedisServer({ dir });
  const stop = new AbortController();
  const redis = await connectRedis(server.url);
  try {
    const dashboard = await serveDashboard({ redisUrl: server.url, signal: stop.signal });
    const post = (body: string) =>
      fetch(`${dashboard.url}api/tasks`, { method: "POST", body }).then(async (response) => ({
        status: response.status,
        json: await response.json(),
      }));
    const tasks = shortWorkload({ count: 3, seed: 5 }).tasks;
    assert.deepEqual(await post(JSON.stringify({ tasks })), {
      status: 202,
      json: { submitted: 3 },
    });
    const bad = await post(
      JSON.stringify({ tasks: [...tasks, { id: "x", kind: "sort", parameter: 1 }] }),
    );
    assert.equal(bad.status, 400);
    assert.match(
      bad.json.error,
      /tasks\.3\.parameter: Expected sort array length to be in \[500000, 10000000\]/,
    );
    assert.equal((await post("{")).status, 400);
    assert.equal(await redis.xlen(new LiveKeys().submit), 3, "nothing of a bad batch was sent");
  } finally {
    stop.abort();
    redis.disconnect();
    await server.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
