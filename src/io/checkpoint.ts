// Saving and loading: safetensors weights plus a JSON sidecar (config, optimizer state); file access is Node-only and loaded lazily.
import type { Tensor } from "../tensor/Tensor.js";
import { deserialize, serialize } from "./safetensors.js";
import { decodeState, encodeState, type StateValue } from "./stateJson.js";

/**
 * The module's imports stay browser-safe: `save`/`load` reach the file system through a dynamic
 * import of the Node adapter, so a browser bundle only fails if it calls them (use
 * `serialize`/`deserialize` there).
 */
async function nodeFs(): Promise<typeof import("../node/fs.js")> {
  return import("../node/fs.js");
}

/** Writes tensors (e.g. `model.stateDict()`) to `path` as safetensors, atomically. */
export async function save(stateDict: Record<string, Tensor> | Map<string, Tensor>, path: string, options: { metadata?: Record<string, string> } = {}): Promise<void> {
  const fs = await nodeFs();
  fs.atomicWriteFile(path, serialize(stateDict, options));
}

/** Reads a safetensors file into a name → tensor record. */
export async function load(path: string): Promise<Record<string, Tensor>> {
  const fs = await nodeFs();
  return deserialize(fs.readFileBytes(path)).tensors;
}

/** Everything needed to resume training: weights, and optionally model config and optimizer state. */
export interface Checkpoint {
  stateDict: Record<string, Tensor>;
  /** Model hyper-parameters (layer sizes, ...), any JSON value. */
  config?: StateValue;
  /** `optimizer.stateDict()`; tensors inside are stored bit-exactly. */
  optimizer?: StateValue;
  /** Anything else to resume (epoch, generator state, history). */
  extra?: StateValue;
}

/** The sidecar path for a weights file: `model.safetensors` → `model.json`. */
export function sidecarPath(path: string): string {
  return path.endsWith(".safetensors") ? path.slice(0, -".safetensors".length) + ".json" : path + ".json";
}

/** The sidecar's JSON text (browser-safe; pairs with `serialize(checkpoint.stateDict)`). */
export function encodeSidecar(checkpoint: Omit<Checkpoint, "stateDict">): string {
  return JSON.stringify({
    format: "deepscript-checkpoint",
    version: 1,
    config: encodeState(checkpoint.config ?? null),
    optimizer: encodeState(checkpoint.optimizer ?? null),
    extra: encodeState(checkpoint.extra ?? null),
  });
}

export function decodeSidecar(text: string): Omit<Checkpoint, "stateDict"> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`loadCheckpoint: sidecar is not valid JSON (${(e as Error).message})`);
  }
  const obj = json as Record<string, unknown>;
  if (obj === null || typeof obj !== "object" || obj.format !== "deepscript-checkpoint") {
    throw new Error("loadCheckpoint: sidecar is not a deepscript checkpoint (missing format: \"deepscript-checkpoint\")");
  }
  return { config: decodeState(obj.config), optimizer: decodeState(obj.optimizer), extra: decodeState(obj.extra) };
}

/**
 * Writes `path` (weights, safetensors) and its sidecar (`.json`). Each file is written atomically;
 * the sidecar is written first so that a weights file never points at a missing sidecar.
 */
export async function saveCheckpoint(path: string, checkpoint: Checkpoint, options: { metadata?: Record<string, string> } = {}): Promise<void> {
  const fs = await nodeFs();
  fs.atomicWriteFile(sidecarPath(path), encodeSidecar(checkpoint));
  fs.atomicWriteFile(path, serialize(checkpoint.stateDict, options));
}

export async function loadCheckpoint(path: string): Promise<Checkpoint> {
  const fs = await nodeFs();
  const stateDict = deserialize(fs.readFileBytes(path)).tensors;
  return { stateDict, ...decodeSidecar(fs.readTextFile(sidecarPath(path))) };
}
