// COCO annotation files on disk (Node only, through the node adapter): read with validation, write atomically.
import { atomicWriteFile, readTextFile } from "../../node/index.js";
import { parseCoco, stringifyCoco, type CocoDataset } from "./format.js";

/** Reads and validates a COCO annotation file (see parseCoco); errors name the file. */
export function readCocoFile(path: string): CocoDataset {
  const text = readTextFile(path, "readCocoFile");
  try {
    return parseCoco(text);
  } catch (e) {
    throw new Error(`readCocoFile: ${JSON.stringify(path)}: ${(e as Error).message.replace(/^parseCoco: /, "")}`, { cause: e });
  }
}

/** Validates `dataset` and writes it to `path` as COCO JSON (atomically; parent folders are created). */
export function writeCocoFile(path: string, dataset: CocoDataset, indent?: number): void {
  atomicWriteFile(path, stringifyCoco(dataset, indent), "writeCocoFile");
}
