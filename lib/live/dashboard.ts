/**
 * The live dashboard: a small page served by the coordinator (loopback by default) showing
 * the nodes with their spec and heartbeat, the queue, the policy, and a plotly Gantt chart of
 * running and finished tasks; it polls the status and redraws without reloading. It also
 * takes submissions over HTTP (`POST /api/tasks`), for clients in any language. (A screenshot
 * of it during a live run, for reports, is `lib/experiment/live/screenshot.ts`.)
 *
 * @module
 */
/// <reference lib="dom" />
import { z } from "zod";
import type { Figure } from "../report/figures.ts";
import { describeIssues } from "../validation/mod.ts";
import { submitTasks } from "./workload.ts";
import { TASK_KINDS } from "../tasks/mod.ts";
import { liveTaskSchema } from "./protocol.ts";
import { connectRedis, type Redis } from "./redis.ts";
import { type ClusterStatus, readStatus } from "./status.ts";

/** Options of {@linkcode serveDashboard}. */
export interface DashboardOptions {
  /** Redis URL. */
  redisUrl: string;
  /** Key namespace; default `schedlab`. */
  prefix?: string;
  /** Address to listen on; default 127.0.0.1 (loopback only). */
  hostname?: string;
  /** Port; default 0 (a free one). */
  port?: number;
  /** Stops the server. */
  signal: AbortSignal;
}

/** A running dashboard. */
export interface Dashboard {
  /** Its address. */
  readonly url: string;
  /** Resolves when the server has stopped. */
  readonly finished: Promise<void>;
}

/** The Gantt chart of a status: one bar per task, coloured by kind; running tasks grow. */
export async function statusGantt(status: ClusterStatus, now: number): Promise<Figure> {
  const { ganttChart } = await import("../report/mod.ts");
  const epoch = status.epoch ?? now;
  return ganttChart({
    title: `live schedule (${status.policy ?? "no coordinator"})`,
    xTitle: "seconds since the first submission",
    nodes: status.nodes.map((node) => node.name),
    groups: [...TASK_KINDS, "running"],
    bars: status.gantt.map((bar) => ({
      node: bar.node,
      start: (bar.start - epoch) / 1000,
      end: ((bar.end ?? now) - epoch) / 1000,
      label: `${bar.task} (${bar.kind})`,
      group: bar.end === undefined ? "running" : bar.kind,
    })),
  });
}

const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>schedlab live</title>
<script src="/plotly.js"></script>
<style>
body { font-family: system-ui, sans-serif; margin: 1.5em; color: #222; }
table { border-collapse: collapse; font-size: 0.9em; }
td, th { padding: 0.2em 0.8em; border-bottom: 1px solid #ddd; text-align: left; }
.down { color: #b00; font-weight: bold; } .alive { color: #080; }
#counts { font-size: 1.1em; margin: 0.6em 0; }
</style></head>
<body>
<h1>schedlab live cluster</h1>
<div id="counts">connecting…</div>
<div id="energy"></div>
<table id="nodes"><thead><tr><th>node</th><th>heartbeat</th><th>activity</th>
<th>threads</th><th>slowdown</th><th>stands for</th></tr></thead><tbody></tbody></table>
<p id="queue"></p>
<div id="gantt" style="height: 480px"></div>
<script>
const text = (value) => String(value ?? "").replace(/[&<>"]/g, (c) => "&#" + c.charCodeAt(0) + ";");
async function refresh() {
  try {
    const response = await fetch("/api/status");
    const { status, figure } = await response.json();
    document.getElementById("counts").textContent =
      "policy " + (status.policy ?? "-") + " | " + status.submitted + " submitted, " +
      status.queued + " queued, " + status.running + " running, " + status.completed +
      " completed | " + status.reclaimed + " reclaimed, " + status.deadLetters + " dead letters";
    document.getElementById("energy").textContent = status.energy
      ? "energy (estimated from the nodes' power model): " + status.energy.joules.toFixed(0) +
        " J so far (" + status.energy.idleJoules.toFixed(0) + " J idle), drawing " +
        status.energy.watts.toFixed(1) + " W now"
      : "energy: some node has no power model";
    document.querySelector("#nodes tbody").innerHTML = status.nodes.map((node) => {
      const r = node.registration;
      const activity = node.running ? "running " + node.running : node.waiting ? "waiting" : "idle";
      const beat = node.alive ? "alive (" + (node.heartbeatAgeMs / 1000).toFixed(1) + " s ago)" : "down";
      return "<tr class='node'><td>" + text(node.name) + "</td><td class='" +
        (node.alive ? "alive" : "down") + "'>" + text(beat) + "</td><td>" + text(activity) +
        "</td><td>" + text(r?.threads) + "</td><td>" + text(r?.slowdown?.toFixed(2)) +
        "</td><td>" + text(r?.spec?.description) + "</td></tr>";
    }).join("");
    document.getElementById("queue").textContent = status.queued === 0 ? "queue empty" :
      "queue (" + status.queued + "): " + status.queueHead.map((task) =>
        task.id + " " + task.kind + " " + task.parameter).join(", ") +
      (status.queued > status.queueHead.length ? ", …" : "");
    await Plotly.react("gantt", figure.data, figure.layout, { displayModeBar: false });
    document.body.dataset.bars = String(status.gantt.length);
    document.body.dataset.completed = String(status.completed);
  } catch (error) {
    document.getElementById("counts").textContent = "status unavailable: " + error;
  }
  setTimeout(refresh, 500);
}
refresh();
</script></body></html>`;

/**
 * `POST /api/tasks` with `{ "tasks": [{ "id", "kind", "parameter" }, ...] }`: submits them
 * (202 with their count), or answers 400 naming the bad field; nothing is sent unless all are
 * valid.
 */
async function submitRequest(
  redis: Redis,
  request: Request,
  prefix: string | undefined,
): Promise<Response> {
  let body: unknown;
  try {
    body = await request.json();
  } catch (error) {
    return Response.json({ error: `body is not JSON: ${(error as Error).message}` }, {
      status: 400,
    });
  }
  const parsed = taskBatchSchema.safeParse(body);
  if (!parsed.success) {
    return Response.json({ error: `Invalid tasks: ${describeIssues(parsed.error)}` }, {
      status: 400,
    });
  }
  await submitTasks(redis, parsed.data.tasks, prefix);
  return Response.json({ submitted: parsed.data.tasks.length }, { status: 202 });
}

const taskBatchSchema = z.object({ tasks: z.array(liveTaskSchema).min(1).max(100_000) });

/**
 * Serves the dashboard until `signal` aborts.
 *
 * @param options Redis URL, namespace, address, port
 * @returns its URL and a promise of its end
 */
export async function serveDashboard(options: DashboardOptions): Promise<Dashboard> {
  const redis = await connectRedis(options.redisUrl, "dashboard");
  const { plotlyBundle } = await import("../report/mod.ts");
  const plotly = await plotlyBundle();
  const server = Deno.serve({
    hostname: options.hostname ?? "127.0.0.1",
    port: options.port ?? 0,
    signal: options.signal,
    onListen: () => {},
  }, async (request) => {
    const path = new URL(request.url).pathname;
    if (path === "/") return new Response(PAGE, { headers: { "content-type": "text/html" } });
    if (path === "/plotly.js") {
      return new Response(plotly, { headers: { "content-type": "text/javascript" } });
    }
    if (path === "/api/status") {
      const status = await readStatus(redis, options.prefix);
      const figure = await statusGantt(status, Date.now());
      return Response.json({ status, figure });
    }
    if (path === "/api/tasks" && request.method === "POST") {
      return await submitRequest(redis, request, options.prefix);
    }
    return new Response("not found", { status: 404 });
  });
  const { hostname, port } = server.addr;
  return {
    url: `http://${hostname.includes(":") ? `[${hostname}]` : hostname}:${port}/`,
    finished: server.finished.finally(() => redis.disconnect()),
  };
}
