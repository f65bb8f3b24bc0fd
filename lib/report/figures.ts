/**
 * Plotly.js figure specs as plain JSON (danfojs's own plotting needs a DOM): bar charts with
 * confidence intervals, line charts with bands and reference lines, Gantt charts of schedules,
 * and log-log scatter plots.
 *
 * @module
 */

/** A plotly.js figure: traces and layout, JSON-serialisable. */
export interface Figure {
  /** The traces. */
  readonly data: readonly Record<string, unknown>[];
  /** The layout. */
  readonly layout: Record<string, unknown>;
}

const FONT = { family: "DejaVu Sans, Arial, sans-serif", size: 14 };

function layout(
  title: string,
  xTitle: string,
  yTitle: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    title: { text: title, x: 0.02, xanchor: "left" },
    font: FONT,
    xaxis: { title: { text: xTitle }, automargin: true },
    yaxis: { title: { text: yTitle }, automargin: true, rangemode: "tozero" },
    margin: { l: 70, r: 30, t: 60, b: 70 },
    legend: { orientation: "v", x: 1.02, xanchor: "left", y: 1, yanchor: "top" },
    template: "plotly_white",
    ...extra,
  };
}

/** Bars with symmetric error bars (e.g. mean ± 95% CI), optionally a horizontal reference line. */
export function barChart(options: {
  title: string;
  categories: readonly string[];
  values: readonly number[];
  /** Error bar above each value (and below, unless `errorsBelow` is given). */
  errors?: readonly number[];
  /** Error bar below each value, for asymmetric intervals. */
  errorsBelow?: readonly number[];
  xTitle: string;
  yTitle: string;
  highlight?: readonly string[];
  reference?: { name: string; y: number };
}): Figure {
  const colors = options.categories.map((
    c,
  ) => (options.highlight?.includes(c) ? "#d62728" : "#1f77b4"));
  const data: Record<string, unknown>[] = [{
    type: "bar",
    name: options.yTitle,
    x: options.categories,
    y: options.values,
    marker: { color: colors },
    ...(options.errors
      ? {
        error_y: {
          type: "data",
          array: options.errors,
          ...(options.errorsBelow ? { symmetric: false, arrayminus: options.errorsBelow } : {}),
          visible: true,
          thickness: 1.5,
          width: 4,
        },
      }
      : {}),
    showlegend: false,
  }];
  if (options.reference) {
    data.push({
      type: "scatter",
      mode: "lines",
      name: options.reference.name,
      x: [options.categories[0], options.categories.at(-1)],
      y: [options.reference.y, options.reference.y],
      line: { dash: "dash", color: "#2ca02c" },
    });
  }
  return {
    data,
    layout: layout(options.title, options.xTitle, options.yTitle, {
      xaxis: { title: { text: options.xTitle }, tickangle: -35, automargin: true },
      margin: { l: 70, r: 30, t: 90, b: 150 },
    }),
  };
}

/** Bars side by side per category, one colour per group, with optional error bars. */
export function groupedBarChart(options: {
  title: string;
  categories: readonly string[];
  groups: readonly { name: string; values: readonly number[]; errors?: readonly number[] }[];
  xTitle: string;
  yTitle: string;
}): Figure {
  return {
    data: options.groups.map((group, i) => ({
      type: "bar",
      name: group.name,
      x: options.categories,
      y: group.values,
      marker: { color: PALETTE[i % PALETTE.length] },
      ...(group.errors
        ? {
          error_y: { type: "data", array: group.errors, visible: true, thickness: 1.5, width: 4 },
        }
        : {}),
    })),
    layout: layout(options.title, options.xTitle, options.yTitle, { barmode: "group" }),
  };
}

/** One line of a line chart, with an optional band (e.g. a 95% CI). */
export interface Series {
  readonly name: string;
  readonly x: readonly number[];
  readonly y: readonly number[];
  readonly lower?: readonly number[];
  readonly upper?: readonly number[];
  readonly dash?: string;
}

const PALETTE = [
  "#1f77b4",
  "#d62728",
  "#2ca02c",
  "#9467bd",
  "#ff7f0e",
  "#8c564b",
  "#e377c2",
  "#17becf",
];

function rgba(hex: string, alpha: number): string {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${n >> 16},${(n >> 8) & 255},${n & 255},${alpha})`;
}

/** Lines with shaded bands and horizontal reference lines. */
export function lineChart(options: {
  title: string;
  series: readonly Series[];
  references?: readonly { name: string; y: number }[];
  xTitle: string;
  yTitle: string;
  logX?: boolean;
  /** Draw the lines as steps (e.g. performance profiles). */
  steps?: boolean;
  /** Points only, no lines (e.g. residuals of repeated measurements). */
  markersOnly?: boolean;
  /** The y axis's range (default: from zero to the data). */
  yRange?: readonly [number, number];
}): Figure {
  const data: Record<string, unknown>[] = [];
  options.series.forEach((series, i) => {
    const color = PALETTE[i % PALETTE.length]!;
    if (series.lower && series.upper) {
      data.push({
        type: "scatter",
        mode: "lines",
        x: [...series.x, ...[...series.x].reverse()],
        y: [...series.upper, ...[...series.lower].reverse()],
        fill: "toself",
        fillcolor: rgba(color, 0.18),
        line: { width: 0 },
        hoverinfo: "skip",
        showlegend: false,
        name: `${series.name} (95% CI)`,
      });
    }
    data.push({
      type: "scatter",
      mode: options.markersOnly ? "markers" : series.x.length < 30 ? "lines+markers" : "lines",
      name: series.name,
      x: series.x,
      y: series.y,
      line: {
        color,
        width: 2,
        ...(series.dash ? { dash: series.dash } : {}),
        ...(options.steps ? { shape: "hv" } : {}),
      },
    });
  });
  const xs = options.series.flatMap((s) => s.x);
  (options.references ?? []).forEach((reference, i) => {
    data.push({
      type: "scatter",
      mode: "lines",
      name: reference.name,
      x: [Math.min(...xs), Math.max(...xs)],
      y: [reference.y, reference.y],
      line: {
        dash: "dash",
        width: 1.5,
        color: PALETTE[(options.series.length + i) % PALETTE.length],
      },
    });
  });
  const figure = layout(options.title, options.xTitle, options.yTitle);
  if (options.logX) figure.xaxis = { ...(figure.xaxis as object), type: "log" };
  if (options.yRange) figure.yaxis = { ...(figure.yaxis as object), range: options.yRange };
  return { data, layout: figure };
}

/** One bar of a Gantt chart. */
export interface GanttBar {
  readonly node: string;
  readonly start: number;
  readonly end: number;
  readonly label: string;
  readonly group: string;
}

/**
 * A Gantt chart: one row per node, one bar per task, coloured by group (e.g. task kind).
 * `groups` fixes the groups' order and so their colours (default: order of appearance).
 */
export function ganttChart(
  options: {
    title: string;
    bars: readonly GanttBar[];
    nodes: readonly string[];
    xTitle: string;
    groups?: readonly string[];
  },
): Figure {
  const present = new Set(options.bars.map((bar) => bar.group));
  const groups = [...new Set([...(options.groups ?? []), ...present])];
  const data = groups.map((group, i) => ({ group, i })).filter(({ group }) => present.has(group))
    .map(({ group, i }) => {
      const bars = options.bars.filter((bar) => bar.group === group);
      return {
        type: "bar",
        orientation: "h",
        name: group,
        y: bars.map((bar) => bar.node),
        x: bars.map((bar) => bar.end - bar.start),
        base: bars.map((bar) => bar.start),
        text: bars.map((bar) => bar.label),
        textposition: "none",
        hovertemplate: "%{text}<br>%{base:.1f}–%{x:.1f} s<extra></extra>",
        marker: { color: PALETTE[i % PALETTE.length], line: { color: "white", width: 1 } },
      };
    });
  return {
    data,
    layout: layout(options.title, options.xTitle, "node", {
      barmode: "overlay",
      yaxis: {
        title: { text: "node" },
        categoryorder: "array",
        categoryarray: [...options.nodes].reverse(),
        automargin: true,
      },
    }),
  };
}

/**
 * Points of a plane in groups, each as markers or as a line through its points (a front),
 * with an optional label per point (shown on hover).
 */
export function scatterChart(options: {
  title: string;
  groups: readonly {
    name: string;
    x: readonly number[];
    y: readonly number[];
    labels?: readonly string[];
    line?: boolean;
  }[];
  xTitle: string;
  yTitle: string;
}): Figure {
  const data = options.groups.map((group, i) => ({
    type: "scatter",
    mode: group.line ? "lines+markers" : "markers",
    name: group.name,
    x: group.x,
    y: group.y,
    ...(group.labels ? { text: group.labels } : {}),
    marker: { color: PALETTE[i % PALETTE.length], size: group.line ? 8 : 7, opacity: 0.85 },
  }));
  return { data, layout: layout(options.title, options.xTitle, options.yTitle) };
}

/** Log-log scatter of measured vs predicted values with the identity line. */
export function scatterLogLog(options: {
  title: string;
  groups: readonly { name: string; x: readonly number[]; y: readonly number[] }[];
  xTitle: string;
  yTitle: string;
}): Figure {
  const all = options.groups.flatMap((g) => [...g.x, ...g.y]).filter((v) => v > 0);
  const low = Math.min(...all), high = Math.max(...all);
  const data: Record<string, unknown>[] = options.groups.map((group, i) => ({
    type: "scatter",
    mode: "markers",
    name: group.name,
    x: group.x,
    y: group.y,
    marker: { color: PALETTE[i % PALETTE.length], size: 7, opacity: 0.8 },
  }));
  data.push({
    type: "scatter",
    mode: "lines",
    name: "measured = predicted",
    x: [low, high],
    y: [low, high],
    line: { dash: "dash", color: "grey" },
  });
  const figure = layout(options.title, options.xTitle, options.yTitle);
  figure.xaxis = { ...(figure.xaxis as object), type: "log" };
  figure.yaxis = { ...(figure.yaxis as object), type: "log", rangemode: "normal" };
  return { data, layout: figure };
}

/** The bars of an episode's schedule: one per task, on the node that ran it, coloured by kind. */
export function scheduleBars(
  info: { assignedNode: Int32Array; start: Float64Array; completion: Float64Array },
  options: { nodes: readonly string[]; tasks?: readonly { kind: string; parameter: number }[] },
): GanttBar[] {
  return Array.from(info.assignedNode, (node, task) => {
    const spec = options.tasks?.[task];
    return {
      node: options.nodes[node]!,
      start: info.start[task]!,
      end: info.completion[task]!,
      label: spec ? `task ${task}: ${spec.kind} ${spec.parameter}` : `task ${task}`,
      group: spec?.kind ?? "task",
    };
  });
}
