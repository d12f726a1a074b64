// Picks the dataset-file host (the Node adapter for files, gzip and downloads; none in a browser) and data.readIdxFile over it.
import type { DatasetFiles } from "../node/datasetFiles.js";
import type { IdxArray } from "./idx.js";

const isNode = typeof (globalThis as { process?: { versions?: { node?: unknown } } }).process?.versions?.node === "string";

/**
 * The Node adapter, or null in a browser. It is imported dynamically and only under Node, so a
 * browser bundle never loads node:fs (package.json "browser" also maps datasetFiles.js to nothing).
 */
const host: DatasetFiles | null = isNode ? (await import("../node/datasetFiles.js")).datasetFiles : null;

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
