// Picks the dataset-file host (the Node adapter for files, gzip and downloads; none in a browser) and data.readIdxFile over it.
import { datasetFilesHost, type DatasetFiles } from "../node/index.js";
import type { IdxArray } from "./idx.js";

/** The Node adapter, or null in a browser (package.json "browser" swaps node/index.js for index.browser.js). */
const host: DatasetFiles | null = datasetFilesHost;

/** The host, or an error naming `op` where there is no file system. */
export function requireDatasetFiles(op: string): DatasetFiles {
  if (host) return host;
  throw new Error(`${op}: dataset files are read through Node's file system, which this environment lacks; in a browser, fetch the IDX files yourself and parse their (decompressed) bytes with parseIdx, or pass them to a dataset as the \`idx\` option`);
}

/** Reads an IDX file, plain or gzipped (Node only; in a browser, decompress the bytes and use parseIdx). */
export function readIdxFile(path: string): IdxArray {
  if (typeof path !== "string") throw new Error(`readIdxFile: path must be a string, got ${typeof path}`);
  return requireDatasetFiles("readIdxFile").readIdxFile(path);
}
