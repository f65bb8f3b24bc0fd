/**
 * Results as people read them: tables (danfojs; CSV and markdown), figures (plotly.js specs;
 * standalone HTML and PNG via headless Chromium), results folders with manifests, and the
 * notebooks' parameters and display.
 *
 * @module
 */
export {
  barChart,
  ganttChart,
  groupedBarChart,
  lineChart,
  scatterChart,
  scatterLogLog,
  scheduleBars,
} from "./figures.ts";
export type { Figure, GanttBar, Series } from "./figures.ts";
export {
  chromiumPath,
  figureHtml,
  FigureRenderer,
  launchChromium,
  plotlyBundle,
} from "./render.ts";
export type { Chromium } from "./render.ts";
export { energyFrames, evaluationFrame, formatNumber, frameCsv, frameMarkdown } from "./table.ts";
export { ResultsFolder } from "./results.ts";
export {
  notebookParams,
  PARAMS_VARIABLE,
  showFigure,
  showImage,
  showMarkdown,
  showTable,
} from "./notebook.ts";
