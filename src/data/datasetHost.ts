// Picks the dataset-file host: the Node adapter (file system, gzip, downloads) under Node, none in a browser.
import type { DatasetFiles } from "../node/datasetFiles.js";

const isNode = typeof (globalThis as { process?: { versions?: { node?: unknown } } }).process?.versions?.node === "string";

/**
 * The Node adapter, or null in a browser. It is imported dynamically and only under Node, so a
 * browser bundle never loads node:fs (package.json "browser" also maps datasetFiles.js to nothing).
 */
const host: DatasetFiles | null = isNode ? (await import("../node/datasetFiles.js")).datasetFiles : null;

/** The host, or an error naming `op` where there is no file system. */
export function requireDatasetFiles(op: string): DatasetFiles {
  if (host) return host;
  throw new Error(`${op}: dataset files are read through Node's file system, which this environment lacks; in a browser, fetch the IDX files yourself and pass their (decompressed) bytes as the \`idx\` option`);
}
