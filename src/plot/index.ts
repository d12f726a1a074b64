// plot: dependency-free SVG plots returned as strings (Node and browsers), and savePlot to write one to a file (Node).
export { linePlot, scatter, heatmap, contour, panel, graphPlot, marchingSquares, niceTicks, colorAt, escapeXml, palette } from "./svg.js";
export type { Series, AxesOptions, LinePlotOptions, ScatterOptions, ColorScale, HeatmapOptions, ContourOptions, PanelOptions, GraphPlotOptions } from "./svg.js";
export { savePlot } from "../node/index.js";
